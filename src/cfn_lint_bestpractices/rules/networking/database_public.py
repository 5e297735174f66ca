"""W9705: a database that is publicly accessible or sits in public subnets."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.network import public_scenarios
from ...model.props import bool_branches, list_branches
from .._base import BestPracticeRule

SUBNET_GROUPS = ("AWS::RDS::DBSubnetGroup", "AWS::DocDB::DBSubnetGroup", "AWS::Neptune::DBSubnetGroup",
                 "AWS::ElastiCache::SubnetGroup", "AWS::Redshift::ClusterSubnetGroup")


class DatabaseNotPublic(BestPracticeRule):
    id = "W9705"
    shortdesc = "Database publicly accessible or in public subnets"
    description = (
        "Databases belong in private subnets, reachable only from the application tier. An RDS instance with "
        "PubliclyAccessible true gets a public DNS name and address; a DB subnet group whose subnets route "
        "0.0.0.0/0 to an internet gateway puts the database in public subnets."
    )
    tags = ["rds", "database", "vpc", "security"]
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBSubnetGroup", "AWS::DocDB::DBSubnetGroup", "AWS::Neptune::DBSubnetGroup", "AWS::ElastiCache::SubnetGroup", "AWS::Redshift::ClusterSubnetGroup")

    def findings(self, model: TemplateModel):
        for db in model.of_type("AWS::RDS::DBInstance"):
            for br in bool_branches(model, db, "PubliclyAccessible"):
                if br.value is True:
                    yield (br.path,
                           f"DB instance '{db.logical_id}' is publicly accessible (PubliclyAccessible: true{br.describe()}): "
                           "it gets a public address that only its security group protects. Set PubliclyAccessible "
                           "to false and reach it from inside the VPC (a bastion, SSM Session Manager, or a VPN).")
        for group in model.of_type(*SUBNET_GROUPS):
            for br in list_branches(model, group, "SubnetIds"):
                # a subnet is public where its association and its default route to an internet gateway exist
                public, scenario = [], br
                for value in br.value:
                    subnet = model.lookup(value, ("AWS::EC2::Subnet",))
                    both = next((b for p in public_scenarios(model, subnet) for b in [model.together(scenario, p)]
                                 if b is not None), None) if subnet else None
                    if both is not None:
                        public.append(subnet)
                        scenario = both
                if public:
                    yield (br.path,
                           f"Subnet group '{group.logical_id}' places the database in public subnets "
                           f"({', '.join(public)}: their default route goes to an internet gateway){scenario.describe()}. "
                           "Use private subnets, whose default route goes to a NAT gateway or nowhere.")
