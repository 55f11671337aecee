import { describe, expect, it } from 'vitest';
import { cloudTrailEventUrl, resourceConsoleUrl } from '../../../../functions/shared/slack/console-links';

describe('resourceConsoleUrl', () => {
  it.each([
    ['arn:aws:lambda:eu-west-1:111122223333:function:orders-api', 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders-api'],
    ['arn:aws:lambda:eu-west-1:111122223333:function:orders-api:live', 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders-api'],
    ['arn:aws:lambda:us-east-1:111122223333:layer:common:3', 'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/layers/common/versions/3'],
    ['arn:aws:iam::111122223333:role/service-role/orders-api-role', 'https://console.aws.amazon.com/iam/home#/roles/details/orders-api-role'],
    ['arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail', 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/trails/arn%3Aaws%3Acloudtrail%3Aus-east-1%3A111122223333%3Atrail%2Forg-trail'],
    ['arn:aws:events:us-east-1:111122223333:rule/WardenForward', 'https://us-east-1.console.aws.amazon.com/events/home?region=us-east-1#/eventbus/default/rules/WardenForward'],
    ['arn:aws:events:us-east-1:111122223333:rule/custom-bus/WardenForward', 'https://us-east-1.console.aws.amazon.com/events/home?region=us-east-1#/eventbus/custom-bus/rules/WardenForward'],
    ['arn:aws-cn:lambda:cn-north-1:111122223333:function:f', 'https://cn-north-1.console.amazonaws.cn/lambda/home?region=cn-north-1#/functions/f'],
    ['arn:aws-us-gov:iam::111122223333:role/r', 'https://console.amazonaws-us-gov.com/iam/home#/roles/details/r'],
    ['arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5', 'https://eu-west-1.console.aws.amazon.com/apigateway/main/apis/a1b2c3d4e5/resources?api=a1b2c3d4e5&region=eu-west-1'],
    ['arn:aws:apigateway:us-east-1::/apis/f6g7h8i9j0', 'https://us-east-1.console.aws.amazon.com/apigateway/main/develop/routes?api=f6g7h8i9j0&region=us-east-1'],
    ['arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0f1e2d3c4b5a69788', 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0f1e2d3c4b5a69788'],
    ['arn:aws:ec2:eu-west-1:111122223333:security-group-rule/sgr-09be5c962afdc06ed', 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroups:'],
  ])('%s', (arn, url) => {
    expect(resourceConsoleUrl(arn)).toBe(url);
  });

  it('gives no link for what it does not know', () => {
    expect(resourceConsoleUrl('arn:aws:s3:::bucket')).toBeNull();
    expect(resourceConsoleUrl('not-an-arn')).toBeNull();
  });
});

describe('cloudTrailEventUrl', () => {
  it('links the event in its region and partition', () => {
    expect(cloudTrailEventUrl('d6a88cbd-010c', 'us-east-1')).toBe('https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/d6a88cbd-010c');
    expect(cloudTrailEventUrl('e', 'us-gov-west-1')).toBe('https://us-gov-west-1.console.amazonaws-us-gov.com/cloudtrailv2/home?region=us-gov-west-1#/events/e');
  });
});
