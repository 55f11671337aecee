/**
 * The CDK app: the central stack in the security account and the member stack for the management
 * account (which a service-managed StackSet does not cover).
 * @example
 * npx cdk synth          # offline, no credentials
 * npx cdk deploy WardenCentral
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { WardenError } from '../functions/shared/errors';
import { RULES } from '../rules';
import { CentralStack } from './central-stack';
import { loadDeployConfig } from './deploy-config';
import { MemberStack } from './member-stack';
import { applyNagSuppressions } from './nag-suppressions';

function build(): App {
  const { config } = loadDeployConfig();
  const app = new App();
  const central = new CentralStack(app, 'WardenCentral', { config, rules: RULES, env: { region: config.deployment.homeRegion } });
  // Region-agnostic, like the StackSet's instances: deploy it to each watched region of the management account.
  const management = new MemberStack(app, 'WardenManagementAccount', { config, rules: RULES });
  applyNagSuppressions(central);
  applyNagSuppressions(management);
  Aspects.of(app).add(new AwsSolutionsChecks());
  Aspects.of(app).add(new ServerlessChecks());
  return app;
}

try {
  build().synth();
} catch (e: unknown) {
  if (e instanceof WardenError) {
    console.error(`warden: ${e.message}`);
    process.exit(78);
  }
  throw e;
}
