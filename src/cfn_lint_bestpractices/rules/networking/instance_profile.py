"""E9712: an EC2 instance or launch template given a role where an instance profile is expected."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.network import uncovered
from ...model.values import UNKNOWN, whole_reference
from .._base import BestPracticeRule

ROLE = "AWS::IAM::Role"
PROFILE = "AWS::IAM::InstanceProfile"

# (resource type, path of the property that names an instance profile)
PLACES = (
    ("AWS::EC2::Instance", ("IamInstanceProfile",)),
    ("AWS::AutoScaling::LaunchConfiguration", ("IamInstanceProfile",)),
    ("AWS::EC2::LaunchTemplate", ("LaunchTemplateData", "IamInstanceProfile", "Name")),
    ("AWS::EC2::LaunchTemplate", ("LaunchTemplateData", "IamInstanceProfile", "Arn")),
)


class InstanceProfileReference(BestPracticeRule):
    id = "E9712"
    shortdesc = "IAM role used where an instance profile is expected"
    description = (
        "EC2 instances take an instance profile, not a role: IamInstanceProfile must name (or, in launch "
        "templates and configurations, give the ARN of) an AWS::IAM::InstanceProfile that contains the role. "
        "CloudFormation does not create a profile of the same name for a role the way the console does."
    )
    tags = ["ec2", "iam"]
    resource_types = ("AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration", "AWS::EC2::LaunchTemplate")

    def findings(self, model: TemplateModel):
        # a profile's name per branch, where the profile exists: a profile given the role's own name in one
        # scenario makes the reference work in that scenario only
        profile_names = [b for p in model.of_type(PROFILE) for b in model.prop(p, "InstanceProfileName")
                         if isinstance(b.value, str) or b.value is UNKNOWN]
        for rtype, keys in PLACES:
            for res in model.of_type(rtype):
                for br in model.prop(res, *keys):
                    whole = whole_reference(br.value)
                    role = model.lookup(br.value, (ROLE,)) if whole else None  # !Ref Role or !GetAtt Role.Arn
                    if not role:
                        continue
                    # a profile given the role's own name makes the reference work where it exists (a name
                    # that cannot be known may be that name, when the role's name is chosen too)
                    named = "RoleName" in model.resources[role].props
                    br = uncovered(model, br, [p for p in profile_names
                                               if p.value == br.value or (named and p.value is UNKNOWN)])
                    if br is None:
                        continue
                    yield (br.path,
                           f"{rtype.split('::')[-1]} '{res.logical_id}' sets {'.'.join(keys[1:] if len(keys) > 1 else keys)} "
                           f"to IAM role '{role}'{br.describe()}, but EC2 expects an instance profile and the launch "
                           f"fails. Add an AWS::IAM::InstanceProfile with Roles: [!Ref {role}] and reference that "
                           "profile instead.")
