/**
 * Imported first by the bench scripts: the handlers' logger stays silent (its JSON lines would mix with the
 * report on stdout), and the AWS SDK's multi-line Node version warning is not printed (the README says it once).
 * Environment only: it must run before any module that creates the logger is evaluated.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
