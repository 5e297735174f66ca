"""Synthetic templates of a given size, wired the way real stacks are: functions in subnets with route
tables and routes, queues with dead-letter queues, NACLs with entries, buckets with policies."""

from __future__ import annotations


def synthetic_template(resources: int) -> dict:
    """About `resources` resources, in groups of 16 that reference each other (and the shared VPC)."""
    res: dict = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/8"}},
        "Igw": {"Type": "AWS::EC2::InternetGateway"},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "lambda.amazonaws.com"}}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["sqs:SendMessage", "s3:GetObject"], "Resource": "*"}]}}]}},
    }
    group = 0
    while len(res) < resources:
        g = f"G{group}"
        res.update({
            f"{g}Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"},
                                                                       "CidrBlock": f"10.{group % 250}.0.0/24"}},
            f"{g}Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            f"{g}Default": {"Type": "AWS::EC2::Route", "Properties": {
                "RouteTableId": {"Ref": f"{g}Routes"}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Igw"}}},
            f"{g}Assoc": {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": {"Ref": f"{g}Subnet"}, "RouteTableId": {"Ref": f"{g}Routes"}}},
            f"{g}Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.12", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "def handler(e, c): return e"}, "ReservedConcurrentExecutions": 1,
                "VpcConfig": {"SubnetIds": [{"Ref": f"{g}Subnet"}], "SecurityGroupIds": ["sg-1"]}}},
            f"{g}Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True}},
            f"{g}Queue": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::Sub": "${" + g + "Dlq.Arn}"}, "maxReceiveCount": 3}}},
            f"{g}Acl": {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            f"{g}In": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {
                "NetworkAclId": {"Ref": f"{g}Acl"}, "RuleNumber": 100, "Protocol": 6, "RuleAction": "allow",
                "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}}},
            f"{g}Out": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {
                "NetworkAclId": {"Ref": f"{g}Acl"}, "RuleNumber": 100, "Protocol": 6, "Egress": True,
                "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}}},
            f"{g}Bucket": {"Type": "AWS::S3::Bucket"},
            f"{g}Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": {"Ref": f"{g}Bucket"}, "PolicyDocument": {"Statement": [{
                    "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": [f"{g}Bucket", "Arn"]}, {"Fn::Sub": "${" + g + "Bucket.Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}},
            f"{g}Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": {"Ref": "Vpc"}, "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
                "RouteTableIds": [{"Ref": f"{g}Routes"}]}},
            f"{g}Topic": {"Type": "AWS::SNS::Topic"},
            f"{g}Sub": {"Type": "AWS::SNS::Subscription", "Properties": {
                "TopicArn": {"Ref": f"{g}Topic"}, "Protocol": "sqs", "Endpoint": {"Fn::GetAtt": [f"{g}Queue", "Arn"]},
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [f"{g}Dlq", "Arn"]}}}},
            f"{g}Rule": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(1 hour)", "Targets": [
                {"Id": "q", "Arn": {"Fn::GetAtt": [f"{g}Queue", "Arn"]},
                 "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [f"{g}Dlq", "Arn"]}}}]}},
        })
        group += 1
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}
