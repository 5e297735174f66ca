"""E9803: S3 replication without versioning on the source or an in-template destination bucket."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.props import str_branches

from .._base import BestPracticeRule
from ...model.s3 import BUCKET


class S3ReplicationVersioning(BestPracticeRule):
    id = "E9803"
    shortdesc = "S3 replication without versioning"
    description = (
        "S3 replication (same- or cross-region) requires versioning to be enabled on the source bucket and on "
        "every destination bucket; without it the bucket with a ReplicationConfiguration fails to create."
    )
    tags = ["s3", "replication"]
    resource_types = ("AWS::S3::Bucket",)

    @staticmethod
    def _unversioned(model: TemplateModel, bucket) -> list:
        return [br for br in str_branches(model, bucket, "VersioningConfiguration", "Status", default="not set")
                if br.value != "Enabled"]

    def findings(self, model: TemplateModel):
        for bucket in model.of_type(BUCKET):
            replication = [br for br in model.prop(bucket, "ReplicationConfiguration") if br.value is not ABSENT]
            if not replication:
                continue
            for (_, br), both in model.combine(replication, self._unversioned(model, bucket)):
                yield (br.path,
                       f"Bucket '{bucket.logical_id}' replicates objects (ReplicationConfiguration) but its versioning "
                       f"is {br.value}{both.describe()}: S3 replication requires versioning on the source bucket, so the "
                       "bucket fails to create. Set VersioningConfiguration Status: Enabled.")
            seen = set()
            for rule in model.entries(bucket, "ReplicationConfiguration", "Rules"):
                # the destination per branch (`!If [UseBackup, !GetAtt Backup.Arn, !GetAtt Archive.Arn]`); a
                # destination bucket with its own Condition is named only where it exists (the resolver
                # puts its Condition in the branch), so is its versioning
                for target in model.within(rule, "Destination", "Bucket"):
                    dest = model.lookup(target.value, (BUCKET,))
                    if not dest or dest in seen or dest == bucket.logical_id:
                        continue
                    for br in self._unversioned(model, model.resources[dest]):
                        br = model.together(br, target)
                        if br is None:
                            continue
                        seen.add(dest)
                        yield (target.path,
                               f"Bucket '{bucket.logical_id}' replicates to bucket '{dest}', whose versioning is "
                               f"{br.value}{br.describe()}: S3 replication requires versioning on the destination too. "
                               f"Set VersioningConfiguration Status: Enabled on '{dest}'.")
                        break
