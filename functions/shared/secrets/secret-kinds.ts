/**
 * The kinds of plaintext credential the environment-variable detector reports: short labels a
 * Slack reader understands, never a part of the value.
 */

/** Every label the detector can report, in the order the detector tries them. */
export const SECRET_KINDS = [
  'AWS access key ID',
  'AWS secret access key',
  'AWS session token',
  'Slack bot token',
  'Slack user token',
  'Slack app token',
  'Slack token',
  'Slack webhook URL',
  'Discord webhook URL',
  'Microsoft Teams webhook URL',
  'GitHub token',
  'GitLab token',
  'Stripe secret key',
  'Stripe restricted key',
  'Stripe webhook secret',
  'npm token',
  'PyPI token',
  'Google API key',
  'Google OAuth client secret',
  'SendGrid API key',
  'Twilio API key',
  'OpenAI API key',
  'Anthropic API key',
  'Groq API key',
  'Hugging Face token',
  'Shopify token',
  'Grafana token',
  'HashiCorp Vault token',
  'Databricks token',
  'Docker Hub token',
  'DigitalOcean token',
  'Linear API key',
  'Notion token',
  'Vercel token',
  'Figma token',
  '1Password service account token',
  'Azure connection string with key',
  'private key (PEM)',
  'private key (base64-encoded PEM)',
  'JWT',
  'connection string with password',
  'URL with inline password',
  'URL with secret query parameter',
  'HTTP Authorization credentials',
  'secret field in embedded JSON',
  'password in a secret-named variable',
  'high-entropy value in a secret-named variable',
  'random credential-shaped value',
] as const;

export type SecretKind = (typeof SECRET_KINDS)[number];

/**
 * What the verdict rests on: `format` — the value alone has the shape of a known credential,
 * whatever the variable is called; `context` — the variable's name (or a companion variable holding
 * an AWS access key ID) was needed as well; `shape` — neither: the value is long, mixes upper and
 * lower case and digits and is as random as a generated key, under a name that says nothing. A
 * verdict on shape alone is the weakest: it is reported as a low-severity alert, never reverted.
 */
export type SecretBasis = 'format' | 'context' | 'shape';

/** One variable that looks like it holds a plaintext credential. Deliberately carries no part of the value. */
export interface SecretFinding {
  /** The environment variable's name. */
  readonly name: string;
  readonly kind: SecretKind;
  readonly basis: SecretBasis;
}
