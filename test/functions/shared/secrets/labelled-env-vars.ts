/**
 * Labelled environment variables for the plaintext-secret detector: FAKE credentials of every kind,
 * generated from a seeded PRNG and assembled at run time (no token literal is committed), and
 * realistic ordinary values, including the near misses a careless detector would report.
 */
import type { SecretKind } from '../../../../functions/shared/secrets/secret-kinds';

export interface LabelledEnvVar {
  readonly name: string;
  readonly value: string;
  /** The kind the detector should report, or null when the value is not a credential. */
  readonly expected: SecretKind | null;
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALNUM = LOWER + UPPER + DIGITS;
const HEX = '0123456789abcdef';
const BASE32 = UPPER + '234567';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';

/** Generators of fake credentials and ordinary values, all from one seeded PRNG. */
export function fakeValues(seed: number) {
  const random = seededRandom(seed);
  const from = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(random() * alphabet.length)] ?? '';
    return out;
  };
  /** Random base64 with at least one `/` or `+` and upper, lower and digit — the shape of an AWS secret key. */
  const awsSecret = (withSlash: boolean): string => {
    for (;;) {
      const candidate = from(withSlash ? B64 : ALNUM, 40);
      const hasSlash = /[/+]/.test(candidate);
      if (hasSlash === withSlash && /[a-z]/.test(candidate) && /[A-Z]/.test(candidate) && /\d/.test(candidate)) return candidate;
    }
  };
  const uuid = (): string => `${from(HEX, 8)}-${from(HEX, 4)}-4${from(HEX, 3)}-a${from(HEX, 3)}-${from(HEX, 12)}`;
  const b64url = (text: string): string => Buffer.from(text).toString('base64url');
  const jwt = (claims: Record<string, unknown>): string =>
    [b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })), b64url(JSON.stringify(claims)), from(B64URL, 43)].join('.');
  const pemBody = (): string => Array.from({ length: 6 }, () => from(B64, 64)).join('\n');
  const pem = (label: string, newline = '\n'): string =>
    ['-----BEGIN ' + label + '-----', pemBody(), '-----END ' + label + '-----'].join('\n').replaceAll('\n', newline);
  const password = (): string => from(UPPER, 1) + from(LOWER, 5) + from('!#%&*+-=?@^_', 1) + from(DIGITS, 3) + from(LOWER, 2);
  return { from, awsSecret, uuid, b64url, jwt, pem, password };
}

const v = fakeValues(20240917);
const { from, uuid, jwt, pem } = v;
const ACCOUNT = '123456789012';

function secrets(): LabelledEnvVar[] {
  const s = (expected: SecretKind, name: string, value: string): LabelledEnvVar => ({ name, value, expected });
  const slackWebhook = (): string =>
    'https://hooks.' + 'slack.com/services/' + 'T' + from(UPPER + DIGITS, 8) + '/B' + from(UPPER + DIGITS, 10) + '/' + from(ALNUM, 24);
  return [
    s('AWS access key ID', 'AWS_ACCESS_KEY_ID', 'AK' + 'IA' + from(BASE32, 16)),
    s('AWS access key ID', 'UPLOADER_ACCESS_KEY', 'AK' + 'IA' + from(BASE32, 16)),
    s('AWS access key ID', 'S3_KEY_ID', 'AS' + 'IA' + from(BASE32, 16)),
    s('AWS access key ID', 'CONFIG_A', 'AK' + 'IA' + from(BASE32, 16)),
    s('AWS secret access key', 'AWS_SECRET_ACCESS_KEY', v.awsSecret(true)),
    s('AWS secret access key', 'LEGACY_AWS_SECRET', v.awsSecret(true)),
    s('AWS secret access key', 'UPLOAD_CREDENTIAL_B', v.awsSecret(true)),
    s('AWS secret access key', 'AWS_SECRET_ACCESS_KEY', v.awsSecret(false)),
    s('AWS secret access key', 'AWS_CREDENTIALS', 'aws_secret_access_key = ' + v.awsSecret(false)),
    s('AWS session token', 'AWS_SESSION_TOKEN', 'IQoJb3JpZ2' + 'luX2Vj' + from(B64, 300)),
    s('AWS session token', 'STS_SESSION', 'FwoGZXIvYXd' + 'zE' + from(B64, 260)),
    s('Slack bot token', 'SLACK_BOT_TOKEN', 'xo' + 'xb-' + from(DIGITS, 11) + '-' + from(DIGITS, 13) + '-' + from(ALNUM, 24)),
    s('Slack bot token', 'SLACK_TOKEN', 'xo' + 'xb-' + from(DIGITS, 12) + '-' + from(DIGITS, 13) + '-' + from(ALNUM, 24)),
    s('Slack bot token', 'NOTIFIER_CONFIG', 'xo' + 'xb-' + from(DIGITS, 10) + '-' + from(DIGITS, 12) + '-' + from(ALNUM, 24)),
    s('Slack bot token', 'slackBotToken', 'xo' + 'xb-' + from(DIGITS, 11) + '-' + from(DIGITS, 13) + '-' + from(ALNUM, 24)),
    s('Slack user token', 'SLACK_USER_TOKEN', 'xo' + 'xp-' + from(DIGITS, 11) + '-' + from(DIGITS, 11) + '-' + from(DIGITS, 13) + '-' + from(HEX, 32)),
    s('Slack user token', 'SLACK_ADMIN', 'xo' + 'xp-' + from(DIGITS, 12) + '-' + from(DIGITS, 12) + '-' + from(DIGITS, 13) + '-' + from(HEX, 32)),
    s('Slack app token', 'SLACK_APP_TOKEN', 'xa' + 'pp-1-A' + from(UPPER + DIGITS, 10) + '-' + from(DIGITS, 13) + '-' + from(HEX, 64)),
    s('Slack app token', 'SOCKET_MODE', 'xa' + 'pp-1-A' + from(UPPER + DIGITS, 10) + '-' + from(DIGITS, 13) + '-' + from(HEX, 64)),
    s('Slack token', 'SLACK_REFRESH_TOKEN', 'xo' + 'xe-1-' + from(ALNUM, 40) + '-' + from(HEX, 64)),
    s('Slack token', 'LEGACY_SLACK', 'xo' + 'xa-2-' + from(DIGITS, 12) + '-' + from(DIGITS, 12) + '-' + from(HEX, 32)),
    s('Slack webhook URL', 'SLACK_WEBHOOK_URL', slackWebhook()),
    s('Slack webhook URL', 'ALERTS_ENDPOINT', slackWebhook()),
    s('Slack webhook URL', 'NOTIFY_URL', slackWebhook()),
    s('Discord webhook URL', 'DISCORD_WEBHOOK', 'https://discord.com/api/' + 'webhooks/' + from(DIGITS, 18) + '/' + from(B64URL, 68)),
    s('Microsoft Teams webhook URL', 'TEAMS_WEBHOOK_URL', 'https://acme.webhook.office.com/webhookb2/' + uuid() + '@' + uuid() + '/IncomingWebhook/' + from(HEX, 32) + '/' + uuid()),
    s('GitHub token', 'GITHUB_TOKEN', 'gh' + 'p_' + from(ALNUM, 36)),
    s('GitHub token', 'GH_PAT', 'gh' + 'p_' + from(ALNUM, 36)),
    s('GitHub token', 'OAUTH_APP', 'gh' + 'o_' + from(ALNUM, 36)),
    s('GitHub token', 'INSTALLATION', 'gh' + 's_' + from(ALNUM, 36)),
    s('GitHub token', 'GITHUB_FINE_GRAINED', 'github' + '_pat_' + from(ALNUM, 22) + '_' + from(ALNUM, 59)),
    s('GitHub token', 'REPO_ACCESS', 'github' + '_pat_' + from(ALNUM, 22) + '_' + from(ALNUM, 59)),
    s('GitHub token', 'GIT_REMOTE', 'https://x-access-token:' + 'gh' + 's_' + from(ALNUM, 36) + '@github.com/acme/app.git'),
    s('GitLab token', 'GITLAB_TOKEN', 'gl' + 'pat-' + from(B64URL, 20)),
    s('GitLab token', 'CI_API', 'gl' + 'pat-' + from(ALNUM, 20)),
    s('GitLab token', 'RUNNER', 'gl' + 'rt-' + from(B64URL, 20)),
    s('Stripe secret key', 'STRIPE_SECRET_KEY', 'sk' + '_live_' + from(ALNUM, 99)),
    s('Stripe secret key', 'STRIPE_KEY', 'sk' + '_live_' + from(ALNUM, 24)),
    s('Stripe secret key', 'PAYMENTS', 'sk' + '_live_' + from(ALNUM, 99)),
    s('Stripe secret key', 'STRIPE_TEST_KEY', 'sk' + '_test_' + from(ALNUM, 99)),
    s('Stripe restricted key', 'STRIPE_RESTRICTED_KEY', 'rk' + '_live_' + from(ALNUM, 99)),
    s('Stripe restricted key', 'BILLING_READER', 'rk' + '_live_' + from(ALNUM, 24)),
    s('Stripe webhook secret', 'STRIPE_WEBHOOK_SECRET', 'wh' + 'sec_' + from(ALNUM, 32)),
    s('npm token', 'NPM_TOKEN', 'np' + 'm_' + from(ALNUM, 36)),
    s('npm token', 'REGISTRY_AUTH', 'np' + 'm_' + from(ALNUM, 36)),
    s('npm token', 'NPM_CONFIG', '//registry.example.com/:_auth' + 'Token=' + uuid()),
    s('PyPI token', 'TWINE_PASSWORD', 'pypi-' + 'AgEIcHlwaS5vcmc' + from(B64URL, 120)),
    s('Google API key', 'GOOGLE_API_KEY', 'AI' + 'za' + from(B64URL, 35)),
    s('Google API key', 'MAPS_KEY', 'AI' + 'za' + from(B64URL, 35)),
    s('Google API key', 'GEOCODER', 'https://maps.googleapis.com/maps/api/geocode/json?key=' + 'AI' + 'za' + from(B64URL, 35)),
    s('Google OAuth client secret', 'GOOGLE_CLIENT_SECRET', 'GOC' + 'SPX-' + from(B64URL, 28)),
    s('SendGrid API key', 'SENDGRID_API_KEY', 'S' + 'G.' + from(B64URL, 22) + '.' + from(B64URL, 43)),
    s('SendGrid API key', 'MAILER', 'S' + 'G.' + from(B64URL, 22) + '.' + from(B64URL, 43)),
    s('Twilio API key', 'TWILIO_API_KEY', 'S' + 'K' + from(HEX, 32)),
    s('Twilio API key', 'SMS_KEY', 'S' + 'K' + from(HEX, 32)),
    s('OpenAI API key', 'OPENAI_API_KEY', 'sk-' + 'proj-' + from(B64URL, 74) + 'T3Blbk' + 'FJ' + from(B64URL, 74)),
    s('OpenAI API key', 'LLM_KEY', 'sk-' + from(ALNUM, 20) + 'T3Blbk' + 'FJ' + from(ALNUM, 20)),
    s('OpenAI API key', 'EMBEDDINGS', 'sk-' + 'svcacct-' + from(B64URL, 120)),
    s('Anthropic API key', 'ANTHROPIC_API_KEY', 'sk-' + 'ant-api03-' + from(B64URL, 93) + 'AA'),
    s('Anthropic API key', 'CLAUDE', 'sk-' + 'ant-api03-' + from(B64URL, 93) + 'AA'),
    s('Groq API key', 'GROQ_API_KEY', 'gs' + 'k_' + from(ALNUM, 52)),
    s('Hugging Face token', 'HF_TOKEN', 'h' + 'f_' + from(LOWER + UPPER, 34)),
    s('Shopify token', 'SHOPIFY_ADMIN', 'shp' + 'at_' + from(HEX, 32)),
    s('Grafana token', 'GRAFANA_SA', 'gl' + 'sa_' + from(ALNUM, 32) + '_' + from(HEX, 8)),
    s('HashiCorp Vault token', 'VAULT_TOKEN', 'hv' + 's.' + from(B64URL, 94)),
    s('Databricks token', 'DATABRICKS_TOKEN', 'da' + 'pi' + from(HEX, 32)),
    s('Docker Hub token', 'DOCKERHUB', 'dckr' + '_pat_' + from(B64URL, 27)),
    s('DigitalOcean token', 'DO_TOKEN', 'do' + 'p_v1_' + from(HEX, 64)),
    s('Linear API key', 'LINEAR', 'lin' + '_api_' + from(ALNUM, 40)),
    s('Notion token', 'NOTION', 'nt' + 'n_' + from(DIGITS, 11) + from(ALNUM, 35)),
    s('Vercel token', 'VERCEL', 'vc' + 'p_' + from(ALNUM, 40)),
    s('Figma token', 'FIGMA', 'fig' + 'd_' + from(B64URL, 40)),
    s('1Password service account token', 'OP_SERVICE_ACCOUNT_TOKEN', 'op' + 's_ey' + from(B64, 300)),
    s('Azure connection string with key', 'AZURE_STORAGE_CONNECTION_STRING', 'DefaultEndpointsProtocol=https;AccountName=acmeprod;Account' + 'Key=' + from(B64, 86) + '==;EndpointSuffix=core.windows.net'),
    s('Azure connection string with key', 'SERVICEBUS', 'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccess' + 'Key=' + from(B64, 43) + '='),
    s('private key (PEM)', 'PRIVATE_KEY', pem('RSA PRIVATE KEY')),
    s('private key (PEM)', 'SIGNING_CERT_KEY', pem('PRIVATE KEY', '\\n')),
    s('private key (PEM)', 'DEPLOY_SSH', pem('OPENSSH PRIVATE KEY')),
    s('private key (PEM)', 'GOOGLE_APPLICATION_CREDENTIALS_JSON', JSON.stringify({ type: 'service_account', project_id: 'acme-prod', private_key_id: from(HEX, 40), private_key: pem('PRIVATE KEY'), client_email: 'svc@acme-prod.iam.gserviceaccount.com' })),
    s('private key (PEM)', 'GPG', pem('PGP PRIVATE KEY BLOCK')),
    s('private key (base64-encoded PEM)', 'PRIVATE_KEY_B64', btoa(pem('PRIVATE KEY'))),
    s('private key (base64-encoded PEM)', 'APP_CERT_BUNDLE', btoa(pem('EC PRIVATE KEY'))),
    s('JWT', 'SERVICE_JWT', jwt({ sub: 'svc-orders', iat: 1726000000, exp: 1757536000 })),
    s('JWT', 'SUPABASE_SERVICE_ROLE', jwt({ iss: 'supabase', role: 'service_role', iat: 1726000000 })),
    s('JWT', 'UPSTREAM', jwt({ sub: uuid(), scope: 'read write' })),
    s('JWT', 'AUTHORIZATION', 'Bearer ' + jwt({ sub: 'bot' })),
    s('connection string with password', 'DATABASE_URL', `postgres://app:${v.password()}@db.internal:5432/orders`),
    s('connection string with password', 'DB_URL', `postgresql://orders_rw:${from(ALNUM, 24)}@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require`),
    s('connection string with password', 'MYSQL_DSN', `mysql://root:${from(ALNUM, 16)}@10.0.3.12:3306/shop`),
    s('connection string with password', 'MONGODB_URI', `mongodb+srv://api:${from(ALNUM, 20)}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority`),
    s('connection string with password', 'MONGO', `mongodb://admin:${encodeURIComponent(v.password())}@mongo-0:27017,mongo-1:27017/admin?replicaSet=rs0`),
    s('connection string with password', 'REDIS_URL', `redis://:${from(ALNUM, 32)}@cache.internal:6379/0`),
    s('connection string with password', 'CACHE', `rediss://default:${from(ALNUM, 32)}@master.cache.use1.cache.amazonaws.com:6379`),
    s('connection string with password', 'BROKER_URL', `amqps://worker:${from(ALNUM, 18)}@b-1234.mq.us-east-1.amazonaws.com:5671`),
    s('connection string with password', 'JDBC_URL', `jdbc:sqlserver://sql.internal:1433;databaseName=erp;user=erp_app;password=${v.password()};encrypt=true`),
    s('connection string with password', 'SQLSERVER', `Server=tcp:erp.database.windows.net,1433;Initial Catalog=erp;User ID=erp_app;Password=${v.password()};Encrypt=True;`),
    s('connection string with password', 'ConnectionStrings__Default', `Data Source=db01;Initial Catalog=Shop;User Id=shop;Pwd=${from(ALNUM, 14)}`),
    s('connection string with password', 'PG_CONN', `host=db.internal port=5432 dbname=orders user=app password=${from(ALNUM, 20)} sslmode=require`),
    s('connection string with password', 'PG_QUERY_URL', `postgres://db.internal:5432/orders?user=app&password=${from(ALNUM, 20)}`),
    s('URL with inline password', 'UPSTREAM_URL', `https://svc-orders:${from(ALNUM, 20)}@api.partner.example.com/v2`),
    s('URL with inline password', 'ARTIFACTS', `https://deploy:${v.password()}@nexus.internal.example.com/repository/npm/`),
    s('URL with inline password', 'FTP_TARGET', `ftp://upload:${from(ALNUM, 12)}@ftp.partner.example.com/incoming`),
    s('URL with inline password', 'SMTP_URL', `smtps://postmaster%40example.com:${from(ALNUM, 16)}@smtp.mailgun.org:465`),
    s('URL with secret query parameter', 'WEATHER_API', `https://api.weather.example.com/v1/forecast?units=metric&api_key=${from(HEX, 32)}`),
    s('URL with secret query parameter', 'EXPORT_SAS_URL', `https://acmeexports.blob.core.windows.net/reports?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-01-01T00:00:00Z&sig=${encodeURIComponent(from(B64, 43) + '=')}`),
    s('URL with secret query parameter', 'FEED', `https://feeds.example.com/items.json?access_token=${from(ALNUM, 40)}`),
    s('HTTP Authorization credentials', 'PARTNER_AUTH_HEADER', 'Basic ' + btoa('orders:' + from(ALNUM, 18))),
    s('HTTP Authorization credentials', 'UPSTREAM_AUTHORIZATION', 'Bearer ' + from(B64URL, 40)),
    s('secret field in embedded JSON', 'DB_CONFIG', JSON.stringify({ host: 'db.internal', port: 5432, username: 'app', password: v.password() })),
    s('secret field in embedded JSON', 'INTEGRATIONS', JSON.stringify({ partner: { baseUrl: 'https://partner.example.com', clientId: uuid(), clientSecret: from(ALNUM, 32) } })),
    s('password in a secret-named variable', 'DB_PASSWORD', v.password()),
    s('password in a secret-named variable', 'SMTP_PASS', v.password()),
    s('password in a secret-named variable', 'dbPassword', v.password()),
    s('password in a secret-named variable', 'REDIS_PASSWORD', from(ALNUM, 16)),
    s('password in a secret-named variable', 'ADMIN_PASSWD', 'Summer2024!'),
    s('password in a secret-named variable', 'KEYSTORE_PASSPHRASE', 'tr0ub4dor&3'),
    s('password in a secret-named variable', 'LDAP_BIND_PASSWORD_PROD', v.password()),
    s('password in a secret-named variable', 'BASIC_AUTH', 'metrics:' + from(ALNUM, 14)),
    s('password in a secret-named variable', 'PROXY_CREDENTIALS', 'proxyuser:' + v.password()),
    s('password in a secret-named variable', 'MQ_PASSWORD', 'rabbit-' + from(LOWER, 6)),
    s('high-entropy value in a secret-named variable', 'JWT_SECRET', from(B64, 44)),
    s('high-entropy value in a secret-named variable', 'SESSION_SECRET', from(HEX, 64)),
    s('high-entropy value in a secret-named variable', 'PARTNER_API_KEY', from(ALNUM, 32)),
    s('high-entropy value in a secret-named variable', 'TWILIO_AUTH_TOKEN', from(HEX, 32)),
    s('high-entropy value in a secret-named variable', 'DATADOG_API_KEY', from(HEX, 32)),
    s('high-entropy value in a secret-named variable', 'WEBHOOK_SIGNING_KEY', from(B64URL, 32)),
    s('high-entropy value in a secret-named variable', 'HMAC_KEY', from(HEX, 40)),
    s('high-entropy value in a secret-named variable', 'ENCRYPTION_KEY', from(B64, 43) + '='),
    s('high-entropy value in a secret-named variable', 'SECRET_KEY_BASE', from(HEX, 128)),
    s('high-entropy value in a secret-named variable', 'MAILGUN_API_KEY', 'key-' + from(HEX, 32)),
    s('high-entropy value in a secret-named variable', 'HEROKU_API_KEY', uuid()),
    s('high-entropy value in a secret-named variable', 'OKTA_CLIENT_SECRET', from(B64URL, 40)),
    s('high-entropy value in a secret-named variable', 'apiToken', from(ALNUM, 24)),
    s('high-entropy value in a secret-named variable', 'NEXTAUTH_SECRET', from(B64, 32)),
    s('high-entropy value in a secret-named variable', 'PASSWORD_SALT', from(B64, 22)),
    s('high-entropy value in a secret-named variable', 'SLACK_SIGNING_SECRET', from(HEX, 32)),
    s('high-entropy value in a secret-named variable', 'API_SECRET', 'correct-horse-battery-staple'),
    s('password in a secret-named variable', 'DB_PASS', 'p@ssw0rd!'),
    s('password in a secret-named variable', 'SFTP_PASSWORD', from(LOWER, 10)),
    // Issue #13, gap 9: abbreviations as name parts, and random credentials under names that say nothing.
    s('password in a secret-named variable', 'MAIL_PW', v.password()),
    s('password in a secret-named variable', 'FTP_PWD', v.password()),
    s('high-entropy value in a secret-named variable', 'PARTNER_KEY', from(ALNUM, 32)),
    s('high-entropy value in a secret-named variable', 'geocoderKey', from(B64URL, 39)),
    s('random credential-shaped value', 'UPSTREAM_CONFIG', 'Zq8' + from(ALNUM, 29)),
    s('random credential-shaped value', 'PARTNER_REF', 'Kx4' + from(B64URL, 37)),
    s('random credential-shaped value', 'WEBHOOK_B', 'mP7' + from(B64, 41)),
    s('random credential-shaped value', 'SETTINGS_BLOB', 'Hd2' + from(ALNUM, 61)),
    s('random credential-shaped value', 'CLIENT', 'wR9' + from(ALNUM, 37)),
    s('random credential-shaped value', 'INTEGRATION_CFG', 'Tb5' + from(B64URL, 83)),
    s('random credential-shaped value', 'CONFIG_B', v.awsSecret(false)),
  ];
}

function benign(): LabelledEnvVar[] {
  const b = (name: string, value: string): LabelledEnvVar => ({ name, value, expected: null });
  return [
    // URLs and endpoints without credentials
    b('API_BASE_URL', 'https://api.example.com/v1'),
    b('QUEUE_URL', `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders-prod`),
    b('OAUTH_TOKEN_URL', 'https://auth.example.com/oauth2/token'),
    b('AUTH_ISSUER', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12CdEfG'),
    b('JWKS_URI', 'https://auth.example.com/.well-known/jwks.json'),
    b('REDIS_URL', 'redis://cache.internal:6379/0'),
    b('DATABASE_URL', 'postgres://app@db.internal:5432/orders'),
    b('DB_URL_TEMPLATE', 'postgres://app:${DB_PASSWORD}@db.internal:5432/orders'),
    b('MONGO_URI_EXAMPLE', 'mongodb+srv://app:<password>@cluster0.ab1cd.mongodb.net/test'),
    b('DOCS_URL', 'https://user@docs.example.com/guide'),
    b('ELASTICSEARCH_URL', 'https://search-orders-abc123.eu-west-1.es.amazonaws.com'),
    b('SENTRY_DSN', `https://${from(HEX, 32)}@o123456.ingest.sentry.io/4505`),
    b('SEARCH_URL', 'https://www.example.com/search?q=lambda&lang=en&page=2'),
    b('WEBHOOK_URL', 'https://partner.example.com/hooks/orders'),
    b('TOKEN_ENDPOINT', 'https://login.microsoftonline.com/common/oauth2/v2.0/token'),
    b('ALLOWED_ORIGINS', 'https://app.example.com,https://admin.example.com'),
    b('TOKEN_AUDIENCE', 'api://orders'),
    b('CALLBACK_URL', 'https://app.example.com/auth/callback?state=login'),
    // ARNs of all kinds, including secret-store ARNs in secret-named variables
    b('TOPIC_ARN', `arn:aws:sns:us-east-1:${ACCOUNT}:order-events`),
    b('TABLE_ARN', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`),
    b('KMS_KEY_ARN', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${uuid()}`),
    b('ENCRYPTION_KEY_ARN', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/orders`),
    b('DB_SECRET_ARN', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/orders/db-${from(ALNUM, 6)}`),
    b('DB_PASSWORD', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/orders/db-${from(ALNUM, 6)}`),
    b('API_KEY', `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/prod/partner/api-key`),
    b('STRIPE_SECRET_KEY_PARAM_ARN', `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/prod/stripe/secret-key`),
    b('ROLE_ARN', `arn:aws:iam::${ACCOUNT}:role/service-role/orders-exec`),
    b('LAYER_ARN', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:otel:12`),
    b('STATE_MACHINE_ARN', `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:checkout`),
    b('EVENT_BUS_ARN', `arn:aws-us-gov:events:us-gov-west-1:${ACCOUNT}:event-bus/warden`),
    b('BUCKET_ARN', 'arn:aws:s3:::acme-orders-exports'),
    b('TARGET_ARNS', `arn:aws:sqs:us-east-1:${ACCOUNT}:a,arn:aws:sqs:us-east-1:${ACCOUNT}:b`),
    // Secret-store names, parameter paths and templates
    b('DB_PASSWORD_PARAMETER', '/prod/orders/db/password'),
    b('DB_PASSWORD_SSM', '/prod/orders/db/password'),
    b('API_TOKEN', '/prod/partner/api-token'),
    b('DB_SECRET', 'prod/orders/db'),
    b('GITHUB_TOKEN_SECRET_NAME', 'ci/github-token'),
    b('SECRET_ID', 'prod/api'),
    b('SLACK_SECRET', 'PROD/SLACK/BOT'),
    b('DB_PASSWORD', '{{resolve:secretsmanager:prod/orders/db:SecretString:password}}'),
    b('STRIPE_SECRET_KEY', '{{resolve:ssm-secure:/prod/stripe/secret-key:3}}'),
    b('STRIPE_KEY', '${ssm:/prod/stripe/secret-key}'),
    b('SLACK_TOKEN', '${{ secrets.SLACK_TOKEN }}'),
    b('PARTNER_PASSWORD', '${env:PARTNER_PASSWORD}'),
    b('OPENAI_API_KEY', 'op://Production/OpenAI/credential'),
    b('SMTP_PASSWORD', 'ssm:/prod/smtp/password'),
    b('GITLAB_TOKEN', 'secretsmanager://ci/gitlab'),
    b('REDIS_AUTH', '$REDIS_AUTH_TOKEN'),
    // Regions, flags, levels, numbers
    b('AWS_REGION', 'us-east-1'),
    b('REPLICA_REGION', 'eu-west-2'),
    b('REGION', 'ap-southeast-2'),
    b('GOV_REGION', 'us-gov-west-1'),
    b('FEATURE_NEW_CHECKOUT_ENABLED', 'true'),
    b('USE_CACHE', 'false'),
    b('ENABLE_TRACING', '1'),
    b('FEATURES', 'checkout,search,recommendations'),
    b('LOG_LEVEL', 'info'),
    b('POWERTOOLS_LOG_LEVEL', 'DEBUG'),
    b('TIMEOUT_MS', '3000'),
    b('MAX_RETRIES', '5'),
    b('PASSWORD_MIN_LENGTH', '12'),
    b('TOKEN_TTL_SECONDS', '3600'),
    b('SECRET_ROTATION_DAYS', '30'),
    b('AUTH_ENABLED', 'true'),
    b('API_KEY_REQUIRED', 'yes'),
    b('SECRETS_EXTENSION_HTTP_PORT', '2773'),
    b('PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED', 'true'),
    b('SAMPLE_RATE', '0.25'),
    // Identifiers: UUIDs, client ids, pool ids, SIDs, hashes
    b('TENANT_ID', uuid()),
    b('CLIENT_ID', uuid()),
    b('KMS_KEY_ID', uuid()),
    b('COGNITO_APP_CLIENT_ID', from(LOWER + DIGITS, 26)),
    b('USER_POOL_ID', `us-east-1_${from(ALNUM, 9)}`),
    b('TWILIO_ACCOUNT_SID', 'A' + 'C' + from(HEX, 32)),
    b('STRIPE_PUBLISHABLE_KEY', 'pk' + '_live_' + from(ALNUM, 99)),
    b('GOOGLE_CLIENT_ID', `${from(DIGITS, 12)}-${from(LOWER + DIGITS, 32)}.apps.googleusercontent.com`),
    b('GIT_SHA', from(HEX, 40)),
    b('BUILD_ID', `build-${from(DIGITS, 6)}`),
    b('API_KEY_ID', from(ALNUM, 10)),
    b('SIGNING_KEY_ID', 'k1'),
    b('CORRELATION_NAMESPACE', uuid()),
    b('DISTRIBUTION_ID', `E${from(UPPER + DIGITS, 13)}`),
    // Images, tags, hosts, paths, e-mails
    b('IMAGE', `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders/api:1.24.3`),
    b('IMAGE_TAG', 'myrepo/app:1.2.3'),
    b('WORKER_IMAGE', `ghcr.io/acme/worker@sha256:${from(HEX, 64)}`),
    b('BASE_IMAGE', 'public.ecr.aws/lambda/nodejs:20'),
    b('DB_HOST', 'db.internal.example.com'),
    b('CACHE_HOST', 'master.orders-cache.abc123.use1.cache.amazonaws.com'),
    b('SMTP_HOST', 'email-smtp.eu-west-1.amazonaws.com'),
    b('AUTH_DOMAIN', 'auth.example.com'),
    b('ALERT_EMAIL', 'ops@example.com'),
    b('AWS_LAMBDA_EXEC_WRAPPER', '/opt/otel-handler'),
    b('PWD', '/var/task'),
    b('CA_BUNDLE_PATH', '/opt/certs/ca.pem'),
    b('S3_KEY', 'exports/2024/10/report.csv'),
    // Base64 of short text used as ids, and base64-looking data
    b('CURSOR_SEED', btoa('tenant-42')),
    b('RELEASE_ID', btoa('release-2024-10-01')),
    b('PIXEL_GIF', 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'),
    // JSON blobs, cron, misc configuration
    b('RETRY_CONFIG', JSON.stringify({ retries: 3, backoff: 'exponential', maxDelayMs: 2000 })),
    b('FEATURE_FLAGS', JSON.stringify({ newCheckout: true, search: { provider: 'opensearch', shards: 3 } })),
    b('OAUTH_CONFIG', JSON.stringify({ tokenUrl: 'https://auth.example.com/token', scopes: ['orders.read'], clientId: uuid() })),
    b('DB_SETTINGS', JSON.stringify({ username: 'app', passwordSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbC123` })),
    b('CREDENTIALS', JSON.stringify({ source: 'secretsmanager', secretId: 'prod/orders/db' })),
    b('SCHEDULE', 'cron(0 12 * * ? *)'),
    b('POLL_RATE', 'rate(5 minutes)'),
    b('CRONTAB', '0 */5 * * *'),
    b('NODE_OPTIONS', '--enable-source-maps --max-old-space-size=512'),
    b('TZ', 'UTC'),
    b('POWERTOOLS_SERVICE_NAME', 'orders'),
    b('STAGE', 'prod'),
    b('TABLE_NAME', 'orders-prod'),
    b('CORS_HEADERS', 'Content-Type,Authorization,X-Api-Key'),
    b('AUTH_HEADER_NAME', 'Authorization'),
    b('API_KEY_HEADER', 'x-api-key'),
    b('AUTH_MODE', 'cognito'),
    b('AUTH_PROVIDER', 'cognito'),
    b('PASSWORD_RESET_TEMPLATE', 'password-reset-v2'),
    b('TOKENIZER_MODEL', 'cl100k_base'),
    b('CACHE_KEY_PREFIX', 'orders:v2:'),
    b('PARTITION_KEY', 'tenantId'),
    b('OTEL_RESOURCE_ATTRIBUTES', 'service.name=orders,deployment.environment=prod'),
    b('JAVA_TOOL_OPTIONS', '-XX:+TieredCompilation -XX:TieredStopAtLevel=1'),
    b('TOKEN_SIGNING_ALGORITHM', 'RS256'),
    b('AUTH_STRATEGY', 'oidc'),
    // Public keys, certificates and documentation examples
    b('JWT_PUBLIC_KEY', pem('PUBLIC KEY')),
    b('CA_CERT', pem('CERTIFICATE')),
    b('AWS_ACCESS_KEY_ID', 'AKIA' + 'IOSFODNN7' + 'EXAMPLE'),
    b('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCY' + 'EXAMPLEKEY'),
    // Placeholders in secret-named variables (decided: not reported)
    b('DB_PASSWORD', 'changeme'),
    b('API_KEY', '<your-api-key>'),
    b('SECRET_KEY', 'xxxxxxxxxxxxxxxx'),
    b('TOKEN', ''),
    b('STRIPE_SECRET_KEY', 'sk' + '_live_xxx'),
    b('ADMIN_PASSWORD', 'REPLACE_ME'),
    b('GITHUB_TOKEN', 'your-token-here'),
    b('JWT_SECRET', 'TODO'),
    b('SMTP_PASSWORD', '********'),
    b('CLIENT_SECRET', '[REDACTED]'),
    // Further near misses
    b('SESSION_TOKEN_HEADER', 'X-Session-Token'),
    b('AUTH', 'iam'),
    b('DB_PASSWORD_ROTATION_FUNCTION', 'orders-db-rotation'),
    b('TOKEN_CACHE_TABLE', 'tokens-prod'),
    b('SECRET', 'prod-orders-db'),
    b('MESSAGE_GROUP', from(ALNUM, 20)),
    b('CSRF_COOKIE_NAME', '__Host-csrf'),
    b('IDEMPOTENCY_KEY_PREFIX', 'idem'),
    b('ENCRYPTION_CONTEXT', JSON.stringify({ service: 'orders', purpose: 'pii' })),
    b('ASSET_HASH', Buffer.from(from(HEX, 32), 'hex').toString('base64')),
    b('S3_VERSION_ID', from(B64, 32)),
    b('TRACE_ID', `1-${from(HEX, 8)}-${from(HEX, 24)}`),
    b('CONTENT_SHA1', from(HEX, 40)),
    b('DEPLOYMENT_ID', from(LOWER + DIGITS, 10)),
    // Look-alikes of random credentials under names that say nothing (issue #13, gap 9)
    b('DATA_STORE', 'OrdersStack-OrdersTable1A2B3C4D-1X2Y3Z4W5V6U'),
    b('WORKER_FUNCTION', 'orders-prod-WorkerFunction-Ab3De5Gh7Jk9'),
    b('BUILD_INFO', btoa(JSON.stringify({ commit: from(HEX, 12), branch: 'main', built: '2024-10-01T00:00:00Z' }))),
    b('LOGO_PNG', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(from(ALNUM, 40))]).toString('base64')),
    b('COMMIT', from(HEX, 40)),
    b('BASE_DIGEST', `sha256:${from(HEX, 64)}`),
    b('REQUEST_SAMPLE', uuid()),
    b('HANDLER', 'com.example.orders.OrdersHandler::handleRequest'),
    b('MODEL', 'anthropic.claude-3-5-sonnet-20240620-v1:0'),
    b('NODE_ENV', 'production'),
    b('SERVICE_CLASS', 'OrdersServiceApplicationHandler2024'),
    b('S3_OBJECT_VERSION', from(B64, 32)),
    b('CLOUDFRONT_KEY_PAIR_ID', 'K2JCJMDEHXQW5F'),
    b('DOCS_SAMPLE', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvb' + 'EXAMPLEKEY'),
    b('APP_CLIENT', from(LOWER + DIGITS, 26)),
    b('GREETING', btoa('Hello from the orders service, version 2')),
    b('ARTIFACT', `s3://deploy-artifacts-${ACCOUNT}/orders/Build-4812-Ab12Cd34.zip`),
    b('FEATURE_SET', 'CheckoutV2-SearchV3-RecommendationsV1'),
    b('PUBLIC_KEY', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + from(B64, 52)),
  ];
}

/** The labelled set: every FAKE credential kind, then ordinary values. */
export const LABELLED_ENV_VARS: readonly LabelledEnvVar[] = [...secrets(), ...benign()];
