/**
 * Builds the CDK app from a validated configuration: the central stack in the security account's
 * home region and the member stack for the management account, with the cdk-nag packs applied.
 * `infra/app.ts` (what `cdk synth` runs) and the tests build it through here.
 */
import { App, Aspects, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { RULES } from '../rules';
import type { AnyRule } from '../rules/rule';
import { CentralStack } from './central-stack';
import type { DeployConfig } from './deploy-config';
import { MemberStack } from './member-stack';
import { suppressCentralFindings, suppressMemberFindings } from './nag-suppressions';

export interface WardenApp {
  readonly app: App;
  readonly central: CentralStack;
  readonly management: MemberStack;
}

/**
 * @example
 * const { app } = buildWardenApp(loadDeployConfig().config);
 * app.synth();
 */
export function buildWardenApp(config: DeployConfig, options: { readonly rules?: readonly AnyRule[]; readonly appProps?: AppProps } = {}): WardenApp {
  const rules = options.rules ?? RULES;
  const app = new App(options.appProps);
  const central = new CentralStack(app, 'WardenCentral', { config, rules, env: { region: config.deployment.homeRegion } });
  // Region-agnostic, like the StackSet's instances: deploy it to each watched region of the management account.
  const management = new MemberStack(app, 'WardenManagementAccount', { config, rules });
  suppressCentralFindings(central);
  suppressMemberFindings(management);
  Aspects.of(app).add(new AwsSolutionsChecks());
  Aspects.of(app).add(new ServerlessChecks());
  return { app, central, management };
}
