/**
 * The state table grants of one function as IAM statements, from `TABLE_ACCESS`: each item family
 * the function touches is a `dynamodb:LeadingKeys` prefix condition, and a grant limited to some
 * attributes also limits `dynamodb:Attributes` and `dynamodb:ReturnValues`.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { LIMITED_RETURN_VALUES, TABLE_ACCESS, type TableFunction } from '../functions/shared/store/table-access';

/**
 * @example
 * for (const statement of tableGrantStatements('responder', table.tableArn)) role.addToPrincipalPolicy(statement);
 */
export function tableGrantStatements(fn: TableFunction, tableArn: string): iam.PolicyStatement[] {
  return TABLE_ACCESS[fn].map(
    (grant) =>
      new iam.PolicyStatement({
        sid: grant.sid,
        actions: [...grant.actions],
        resources: [tableArn],
        conditions: {
          // Every request names its partition key (no Scan is granted; a Query names one); the Null check makes sure of it.
          Null: { 'dynamodb:LeadingKeys': 'false' },
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.prefixes.map((prefix) => `${prefix}*`) },
          ...(grant.attributes === undefined
            ? {}
            : {
                'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...grant.attributes] },
                StringEqualsIfExists: { 'dynamodb:ReturnValues': [...LIMITED_RETURN_VALUES] },
              }),
        },
      }),
  );
}
