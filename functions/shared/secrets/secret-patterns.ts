/**
 * The compiled table of credential formats recognised from the value alone. Patterns follow
 * secretlint's recommended preset (v12, MIT) where it has a rule, and gitleaks' public rules otherwise.
 */
import type { SecretKind } from './secret-kinds';
import { isPlaceholder, isSecretReference } from './value-shapes';

/** One credential format: the kind it reveals, a non-global pattern, and an optional check on the match. */
export interface SecretPattern {
  readonly kind: SecretKind;
  readonly pattern: RegExp;
  /** A literal every match contains: checked first, because `includes` is cheaper than a regex with a leading alternation. */
  readonly requires?: string;
  /** Rejects a match that has the shape but is not a secret (documentation examples, placeholders). */
  readonly accept?: (match: RegExpExecArray) => boolean;
}

/** Boundary: the token is not glued to a longer run of token characters. */
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';

const isFilled = (group: string | undefined): boolean => {
  if (group === undefined) return false;
  let decoded = group;
  try {
    decoded = decodeURIComponent(group);
  } catch (e: unknown) {
    if (!(e instanceof URIError)) throw e;
  }
  return !isPlaceholder(decoded) && !isSecretReference(decoded) && !decoded.includes('${') && !decoded.includes('{{');
};

/** The documented examples of AWS's own guides (`…EXAMPLE`, `…EXAMPLEKEY`) are not secrets. */
const notAwsExample = (match: RegExpExecArray): boolean => !isPlaceholder(match[1] ?? match[0]);

/** Schemes whose URLs are database or broker connection strings. */
const DATABASE_SCHEMES =
  'postgres|postgresql|mysql|mysqlx|mariadb|mongodb|mongodb\\+srv|redis|rediss|valkey|amqp|amqps|mssql|sqlserver|oracle|' +
  'clickhouse|cockroachdb|neo4j|neo4j\\+s|bolt|couchbase|couchbases|cassandra|memcached|nats|kafka|db2|snowflake|ldap|ldaps';
const SECRET_QUERY_PARAMETERS =
  'access_token|token|api_key|apikey|api-key|client_secret|secret|password|passwd|pwd|auth_token|private_token|sig|signature|x-amz-signature';
const JSON_SECRET_FIELDS =
  'password|passwd|pwd|secret|client_?secret|clientSecret|api_?key|apiKey|access_?token|accessToken|auth_?token|authToken|' +
  'refresh_?token|refreshToken|token|secret_?key|secretKey|secret_?access_?key|secretAccessKey';

/** Tried in order; the first accepted match names the kind. Specific vendor formats come before generic shapes. */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // secretlint-rule-privatekey; PGP blocks, encrypted keys and escaped newlines included.
  { kind: 'private key (PEM)', pattern: /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/ },
  // secretlint-rule-aws (access key ID; AGPA/AIDA/AROA… are unique IDs of users and roles, not credentials).
  { kind: 'AWS access key ID', pattern: new RegExp(`(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Z0-9])`), accept: notAwsExample },
  {
    kind: 'AWS secret access key',
    pattern: /(?:aws_?)?secret_?access_?key["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
    accept: notAwsExample,
  },
  { kind: 'AWS secret access key', pattern: /^(?=[A-Za-z0-9/+]{40}$)(?=[^/+]*[/+])(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(.{40})$/, accept: notAwsExample },
  { kind: 'AWS session token', pattern: /(?<![A-Za-z0-9/+])(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{80,}/ },
  // secretlint-rule-slack
  { kind: 'Slack bot token', pattern: new RegExp(`${B}xoxb-[0-9A-Za-z]{1,40}(?:-[0-9A-Za-z]{1,40}){1,3}${E}`) },
  { kind: 'Slack user token', pattern: new RegExp(`${B}xoxp-[0-9A-Za-z]{1,40}(?:-[0-9A-Za-z]{1,40}){1,4}${E}`) },
  { kind: 'Slack app token', pattern: new RegExp(`${B}xapp-\\d-[0-9A-Za-z]{1,40}(?:-[0-9A-Za-z]{1,80}){1,3}${E}`) },
  { kind: 'Slack token', pattern: new RegExp(`${B}xox[aorsce](?:\\.xox[bp])?-(?:\\d-)?[0-9A-Za-z]{1,40}(?:-[0-9A-Za-z]{1,80}){1,4}${E}`) },
  { kind: 'Slack webhook URL', pattern: /https:\/\/hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_]{6,}\/[A-Za-z0-9_/]{6,}/i },
  { kind: 'Discord webhook URL', pattern: /https:\/\/(?:[a-z]+\.)?discord(?:app)?\.com\/api\/webhooks\/\d{5,}\/[A-Za-z0-9_-]{20,}/i },
  { kind: 'Microsoft Teams webhook URL', pattern: /https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[A-Za-z0-9@/_-]{20,}/i },
  // secretlint-rule-github
  { kind: 'GitHub token', pattern: new RegExp(`${B}(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,251}${E}`) },
  { kind: 'GitHub token', pattern: new RegExp(`${B}github_pat_[A-Za-z0-9_]{60,251}${E}`) },
  // secretlint-rule-gitlab, extended with gitleaks' other GitLab prefixes.
  { kind: 'GitLab token', pattern: /(?<![A-Za-z0-9_-])(?:glpat|gldt|glptt|glrt|glcbt|glft|glimt|glagent|glsoat|gloas)-[A-Za-z0-9_-]{20,}/ },
  { kind: 'GitLab token', pattern: new RegExp(`${B}GR1348941[A-Za-z0-9_-]{20,}`) },
  // gitleaks stripe-access-token (publishable pk_ keys are public by design).
  { kind: 'Stripe secret key', pattern: new RegExp(`${B}sk_(?:live|test)_[A-Za-z0-9]{20,247}${E}`) },
  { kind: 'Stripe restricted key', pattern: new RegExp(`${B}rk_(?:live|test)_[A-Za-z0-9]{20,247}${E}`) },
  { kind: 'Stripe webhook secret', pattern: new RegExp(`${B}whsec_[A-Za-z0-9+/]{24,}`) },
  // secretlint-rule-npm
  { kind: 'npm token', pattern: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`) },
  { kind: 'npm token', pattern: /_authToken\s*=\s*([^\s]{8,})/, accept: (m) => isFilled(m[1]) },
  { kind: 'PyPI token', pattern: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/ },
  // gitleaks gcp-api-key, gcp-client-secret
  { kind: 'Google API key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/ },
  { kind: 'Google OAuth client secret', pattern: /(?<![A-Za-z0-9_-])GOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/ },
  // secretlint-rule-sendgrid
  { kind: 'SendGrid API key', pattern: /(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}(?![A-Za-z0-9_-])/ },
  // gitleaks twilio-api-key (account SIDs, AC…, are identifiers)
  { kind: 'Twilio API key', pattern: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/ },
  // secretlint-rule-anthropic, secretlint-rule-openai
  { kind: 'Anthropic API key', pattern: /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{80,}/ },
  { kind: 'OpenAI API key', pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}/ },
  { kind: 'OpenAI API key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/ },
  // secretlint-rule-groq, -huggingface, -shopify, -grafana, -hashicorp-vault, -databricks, -docker, -linear, -notion, -vercel, -figma, -1password
  { kind: 'Groq API key', pattern: new RegExp(`${B}gsk_[A-Za-z0-9]{52}${E}`) },
  { kind: 'Hugging Face token', pattern: new RegExp(`${B}hf_[A-Za-z]{34}${E}`) },
  { kind: 'Shopify token', pattern: new RegExp(`${B}shp(?:at|ca|pa|ss)_[A-Fa-f0-9]{32,64}${E}`) },
  { kind: 'Grafana token', pattern: new RegExp(`${B}(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${E}`) },
  { kind: 'HashiCorp Vault token', pattern: /(?<![A-Za-z0-9_])(?:hvs\.[A-Za-z0-9_-]{90,120}|hvb\.[A-Za-z0-9_-]{138,300}|hvr\.[A-Za-z0-9_-]{90,120})(?![A-Za-z0-9_-])/ },
  { kind: 'Databricks token', pattern: new RegExp(`${B}dapi[a-f0-9]{32}(?:-\\d)?${E}`) },
  { kind: 'Docker Hub token', pattern: /(?<![A-Za-z0-9_])dckr_pat_[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/ },
  { kind: 'DigitalOcean token', pattern: new RegExp(`${B}do[opr]_v1_[a-f0-9]{64}${E}`) },
  { kind: 'Linear API key', pattern: new RegExp(`${B}lin_api_[A-Za-z0-9_]{32,128}${E}`) },
  { kind: 'Notion token', pattern: new RegExp(`${B}ntn_\\d{11}[A-Za-z0-9]{35}${E}`) },
  { kind: 'Vercel token', pattern: new RegExp(`${B}(?:vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}${E}`) },
  { kind: 'Figma token', pattern: /(?<![A-Za-z0-9_])figd_[A-Za-z0-9_-]{40,200}(?![A-Za-z0-9_-])/ },
  { kind: '1Password service account token', pattern: /(?<![A-Za-z0-9_])ops_ey[A-Za-z0-9+/=]{100,}/ },
  // Azure storage / Service Bus / Event Hubs connection strings.
  { kind: 'Azure connection string with key', pattern: /(?:^|;)\s*(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{20,}={0,2})/i },
  // secretlint-rule-database-connection-string and -basicauth: user:password@ in a URL.
  {
    kind: 'connection string with password',
    requires: '://',
    pattern: new RegExp(`(?<![A-Za-z0-9+.-])(?:jdbc:)?(?:${DATABASE_SCHEMES}):\\/\\/[^\\s:@/?#]*:([^\\s@/?#]+)@`, 'i'),
    accept: (m) => isFilled(m[1]),
  },
  { kind: 'URL with inline password', pattern: /:\/\/[^\s:@/?#]*:([^\s@/?#]+)@/, accept: (m) => isFilled(m[1]) },
  {
    kind: 'connection string with password',
    requires: '://',
    pattern: new RegExp(`(?:jdbc:)?(?:${DATABASE_SCHEMES}):\\/\\/[^\\s#]*?[?;&](?:password|passwd|pwd)=([^&;#\\s]+)`, 'i'),
    accept: (m) => isFilled(m[1]),
  },
  {
    kind: 'URL with secret query parameter',
    pattern: new RegExp(`:\\/\\/[^\\s?#]*\\?(?:[^#\\s]*&)?(?:${SECRET_QUERY_PARAMETERS})=([^&#\\s]{8,})`, 'i'),
    accept: (m) => isFilled(m[1]),
  },
  // ADO.NET / ODBC / JDBC key-value form and libpq keyword form: `Server=…;Password=…`, `host=… password=…`.
  { kind: 'connection string with password', pattern: /(?:^|[;\s])(?:password|pwd|passwd)\s*=\s*(?:"([^"]+)"|'([^']+)'|([^;\s"']+))/i, accept: (m) => isFilled(m[1] ?? m[2] ?? m[3]) },
  { kind: 'JWT', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
  { kind: 'HTTP Authorization credentials', pattern: /^(?:Bearer|Basic|Token|Bot)\s+[A-Za-z0-9._~+/-]{12,}={0,2}$/i },
  {
    kind: 'secret field in embedded JSON',
    pattern: new RegExp(`"(?:${JSON_SECRET_FIELDS})"\\s*:\\s*"([^"\\\\]{6,})"`, 'i'),
    accept: (m) => isFilled(m[1]),
  },
];

/** The first credential format the value matches, or null. */
export function matchSecretFormat(value: string): SecretKind | null {
  for (const { kind, pattern, requires, accept } of SECRET_PATTERNS) {
    if (requires !== undefined && !value.includes(requires)) continue;
    const match = pattern.exec(value);
    if (match !== null && (accept === undefined || accept(match))) return kind;
  }
  return decodesToPrivateKey(value) ? 'private key (base64-encoded PEM)' : null;
}

/** Base64 of `-----BEGIN` is `LS0tLS1CRUdJT`; decode only the head to see whether a private key follows. */
function decodesToPrivateKey(value: string): boolean {
  const start = value.indexOf('LS0tLS1CRUdJT');
  if (start < 0) return false;
  const head = value.slice(start, start + 76);
  if (!/^[A-Za-z0-9+/]{76}$/.test(head)) return false;
  return /^-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY/.test(atob(head));
}
