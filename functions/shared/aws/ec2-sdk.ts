/**
 * The part of `@aws-sdk/client-ec2` the bot uses, imported only through `loadEc2`: the bundler then keeps these
 * exports (tree-shaken) in a chunk of their own, where `await import('@aws-sdk/client-ec2')` would keep the
 * whole package's namespace (about 860 KB minified instead of 560 KB).
 */
export { AuthorizeSecurityGroupEgressCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupEgressCommand } from '@aws-sdk/client-ec2';
