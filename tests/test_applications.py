"""Applications: cloud assemblies, nested stacks and exported values linted as one system.

Each app of fixtures/applications/ (see tests/applications.py) is linted through the pack's command; its
pack findings must equal the snapshot beside it (UPDATE_SNAPSHOTS=1 regenerates; read the diff), every
planted cross-stack problem must be among them and no correct cross-stack relation. Where the README
says plain cfn-lint finds the application from a template's location, linting each template alone
with plain cfn-lint must give that template's findings of the command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from applications import APPS, apps, command_findings, expectations, plain_findings, run_command, templates

_RUNS: dict = {}


def findings_of(app: str) -> list[dict]:
    if app not in _RUNS:
        _RUNS[app] = command_findings(app)
    return _RUNS[app]


@pytest.mark.parametrize("app", apps())
def test_command_snapshot(app):
    rows = findings_of(app)
    snap = APPS / app / "snapshots" / "command.json"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snap.parent.mkdir(exist_ok=True)
        snap.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert snap.exists(), f"no snapshot for {app}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert rows == json.loads(snap.read_text(encoding="utf-8"))


@pytest.mark.parametrize("app", apps())
def test_planted_found_and_relations_silent(app):
    spec = expectations(app)
    found = {(r["rule"], r["file"], r["resource"]) for r in findings_of(app)}
    assert spec["planted"], "an app without a planted problem proves nothing"
    missing = [tuple(p) for p in spec["planted"] if tuple(p) not in found]
    assert not missing, f"planted cross-stack problems not found: {missing}"
    wrong = [tuple(s) for s in spec["silent"] if tuple(s) in found]
    assert not wrong, f"correct cross-stack relations reported: {wrong}"


@pytest.mark.parametrize("app", [a for a in apps() if expectations(a)["plain"]])
def test_plain_cfn_lint_finds_the_application(app):
    """Plain cfn-lint, one template at a time, reports what the command reports for each template."""
    by_file: dict = {}
    for row in findings_of(app):
        by_file.setdefault(row["file"], []).append({k: row[k] for k in ("rule", "file", "resource", "line", "message")})
    for file in templates(app):
        assert plain_findings(app, file) == by_file.get(file, []), file


def test_both_reference_modes_find_the_same_problems():
    """Weak (Fn::GetStackOutput) and strong (Export/Fn::ImportValue) references: one system."""
    def key(rows):
        return sorted((r["rule"], r["file"], r["resource"], r["message"]) for r in rows)
    assert key(findings_of("shop-weak")) == key(findings_of("shop-strong"))
    weak = (APPS / "shop-weak" / "ShopServerless.template.json").read_text()
    strong = (APPS / "shop-strong" / "ShopServerless.template.json").read_text()
    assert "Fn::GetStackOutput" in weak and "Fn::ImportValue" not in weak
    assert "Fn::ImportValue" in strong and "Fn::GetStackOutput" not in strong


def test_a_relation_in_another_stack_is_what_silences(tmp_path):
    """The traps are real: alone, the uploads stack's bucket has no policy denying plain HTTP (W9801);
    without the parent's binding, the nested workers' reserved concurrency is their default 2 (W9512,
    and W9511 on their mapping)."""
    shutil.copy(APPS / "exports-literal" / "uploads.yaml", tmp_path / "uploads.yaml")
    _, out, _ = run_command(["--format", "parseable", "--", "uploads.yaml"], tmp_path)
    assert ":W9801:" in out
    assert not any(r["rule"] == "W9801" for r in findings_of("exports-literal"))

    family = tmp_path / "family"
    shutil.copytree(APPS / "nested-yaml", family)
    main = family / "main.yaml"
    main.write_text(main.read_text().replace('        ReservedConcurrency: "20"\n', ""))
    _, out, _ = run_command(["--format", "parseable", "--", "main.yaml"], family)
    assert "nested/workers.yaml" in out and ":W9512:" in out and ":W9511:" in out
    assert not any(r["rule"] in ("W9511", "W9512") for r in findings_of("nested-yaml"))


# The relations of the CDK app that live in another stack than the resource they silence a finding on:
# (template, logical id of the relation) -> the finding that appears without it (rule, template, resource).
CDK_RELATIONS = {
    ("ShopWeb.template.json", "ArchiveTlsOnly"): ("W9801", "ShopData.template.json", "ArchiveDA4CB258"),
    ("ShopServerless.template.json", "ScheduleInvokePermission"):
        ("E9503", "ShopWeb.template.json", "NightlyThumbnails"),
    ("ShopNetwork.template.json", "VpcDynamoDbEndpoint564903D1"):
        ("W9510", "ShopServerless.template.json", "StockSyncA2FD0341"),
    ("ShopMessaging.template.json", "RefundsQueuePolicy230FBF96"):
        ("E9606", "ShopMessaging.template.json", "RefundsQueueShopDataPartnerEventsBA7FD486BC96D831"),
}


@pytest.mark.parametrize("mode", ["weak", "strong"])
def test_a_cdk_relation_in_another_stack_is_what_silences(tmp_path, mode):
    """The CDK app's traps are real, in both reference modes: a bucket policy, an invoke permission, a
    VPC endpoint and a queue policy written in another stack (or for another stack's topic) silence a
    finding; without them, the finding appears in the template of the resource it is about."""
    app = tmp_path / mode
    shutil.copytree(APPS / f"shop-{mode}", app)
    for file, logical_id in CDK_RELATIONS:
        path = app / file
        template = json.loads(path.read_text(encoding="utf-8"))
        del template["Resources"][logical_id]
        for res in template["Resources"].values():  # CDK orders a subscription after its queue policy
            if isinstance(res.get("DependsOn"), list) and logical_id in res["DependsOn"]:
                res["DependsOn"].remove(logical_id)
        path.write_text(json.dumps(template, indent=1), encoding="utf-8")
    code, out, err = run_command(["--format", "json", "--", "."], app)
    assert code != 0, err
    found = {(i["Rule"]["Id"], i["Filename"], i["Location"]["Path"][1]) for i in json.loads(out)
             if len(i["Location"]["Path"]) > 1}
    for expected in CDK_RELATIONS.values():
        assert expected in found, expected
    for expected in CDK_RELATIONS.values():
        assert expected not in {(r["rule"], r["file"], r["resource"]) for r in findings_of(f"shop-{mode}")}


def test_cloud_assembly_folder_is_its_templates():
    from cfn_lint_bestpractices.model.assembly import assembly_templates

    found = [os.path.relpath(p, APPS / "shop-weak") for p in assembly_templates(str(APPS / "shop-weak"))]
    assert "ShopMessaging.template.json" in found
    assert "ShopServerlessWorkers7CF5FF84.nested.template.json" in found
    assert os.path.join("assembly-Staging", "StagingQueuesF222E645.template.json") in found
    assert assembly_templates(str(APPS / "nested-yaml")) is None


def test_construct_paths_in_every_format(tmp_path):
    folder = APPS / "shop-weak"
    sarif = tmp_path / "out.sarif"
    _, out, _ = run_command(["--format", "json", "--sarif-file", str(sarif), "--", "ShopMessaging.template.json"],
                            folder)
    item = next(i for i in json.loads(out) if i["Rule"]["Id"] == "E9504")
    assert item["ConstructPath"] == "ShopMessaging/OrdersQueue"
    assert item["Message"].startswith("Queue 'OrdersQueue3DFA1D51'")  # cfn-lint's fields as they were
    from cfn_lint_bestpractices.construct_paths import for_text
    from cfnlint.formatters import ParseableFormatter
    from cfnlint.rules import Match
    from cfn_lint_bestpractices.rules import ALL_RULES

    match = Match.create("Queue 'OrdersQueue3DFA1D51' ...", "ShopMessaging.template.json", ALL_RULES[0](), 27)
    object.__setattr__(match, "construct_path", "ShopMessaging/OrdersQueue")
    text = ParseableFormatter()._format(for_text([match], "parseable")[0])
    assert text.endswith(":ShopMessaging/OrdersQueue: Queue 'OrdersQueue3DFA1D51' ...")
    assert match.message == "Queue 'OrdersQueue3DFA1D51' ..."  # only the text's copy says it
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    result = next(r for r in results if r["ruleId"] == "E9504")
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("ShopMessaging.template.json")
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "ShopMessaging/OrdersQueue"


def test_construct_paths_of_a_hand_written_nested_stack(tmp_path):
    """A resource of a local nested stack is named by its path from the root in the default text format,
    in SARIF's logicalLocation and in the baseline's fingerprint."""
    sarif, baseline = tmp_path / "out.sarif", tmp_path / "baseline.json"
    _, out, err = run_command(["--sarif-file", str(sarif), "--", "main.yaml"], APPS / "nested-yaml")
    assert "\nW9510 main.yaml/Workers/RefundsWorker: Lambda function 'RefundsWorker' runs in a VPC" in out, (out, err)
    result = next(r for r in json.loads(sarif.read_text())["runs"][0]["results"] if r["ruleId"] == "W9510")
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("nested/workers.yaml")
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "main.yaml/Workers/RefundsWorker"
    code, _, err = run_command(["--write-baseline", str(baseline), "--", "main.yaml"], APPS / "nested-yaml")
    assert code == 0, err
    entry = next(e for e in json.loads(baseline.read_text())["entries"] if e["rule"] == "W9510")
    assert entry["resource"] == "main.yaml/Workers/RefundsWorker"


def test_baseline_survives_a_changed_logical_id_hash(tmp_path):
    """A CDK construct keeps its path when its logical id's hash changes: the finding is not new."""
    app = tmp_path / "app"
    shutil.copytree(APPS / "shop-weak", app)
    queues = "assembly-Staging/StagingQueuesF222E645.template.json"
    baseline = tmp_path / "baseline.json"
    code, _, err = run_command(["--write-baseline", str(baseline), "--", queues], app)
    assert code == 0, err
    entries = json.loads(baseline.read_text())["entries"]
    entry = next(e for e in entries if e["rule"] == "E9504")
    assert entry["resource"] == "Staging/Queues/JobsQueue"
    assert "'Staging/Queues/JobsQueue'" in entry["message"] and "JobsQueue86ED6666" not in entry["message"]
    for path in (app / "assembly-Staging").glob("*.template.json"):
        path.write_text(path.read_text().replace("JobsQueue86ED6666", "JobsQueue0BADC0DE"))
    code, out, err = run_command(["--baseline", str(baseline), "--format", "parseable", "--", queues], app)
    assert out.strip() == "" and "no longer found" not in err, (out, err)


def test_exempt_options_take_construct_paths(tmp_path):
    """A resource-exempting option fully matches a logical id, or a construct path (trimmed)."""
    table = {"Type": "AWS::DynamoDB::Table", "Metadata": {"aws:cdk:path": "Shop/LegacyCache/Resource"},
             "Properties": {"BillingMode": "PAY_PER_REQUEST",
                            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}
    (tmp_path / "Shop.template.json").write_text(json.dumps({"Resources": {"LegacyCache1A2B3C4D": table}}))
    base = ["--format", "parseable", "--", "Shop.template.json"]
    _, out, _ = run_command(["-x", "W9804:exempt_resources=Shop/Legacy"] + base, tmp_path)  # a full match only
    assert ":W9804:Shop/LegacyCache: " in out
    _, out, _ = run_command(["-x", "W9804:exempt_resources=Other.*,Shop/Legacy.*"] + base, tmp_path)
    assert ":W9804:" not in out


def test_resource_metadata_suppression_from_cdk(tmp_path):
    """`worker.node.defaultChild.addMetadata('cfn-lint', {config: {ignore_checks: ['W9501']}})` in the
    app: the synthesized resource carries it and the finding is suppressed; without it, it is reported."""
    stage = APPS / "shop-weak" / "assembly-Staging"
    template = json.loads((stage / "StagingConsumers70122A34.template.json").read_text())
    worker = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    assert worker["Metadata"]["cfn-lint"] == {"config": {"ignore_checks": ["W9501"]}}
    assert not any(r["rule"] == "W9501" and "Staging" in r["file"] for r in findings_of("shop-weak"))
    app = tmp_path / "app"
    shutil.copytree(APPS / "shop-weak", app)
    copy = app / "assembly-Staging" / "StagingConsumers70122A34.template.json"
    del next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")["Metadata"]["cfn-lint"]
    copy.write_text(json.dumps(template, indent=1))
    _, out, _ = run_command(["--format", "parseable", "--", str(copy.relative_to(app))], app)
    assert ":W9501:Staging/Consumers/JobsWorker:" in out


def test_each_template_is_parsed_once(monkeypatch):
    """The application's parse of a template is the one cfn-lint lints: a nested family of three
    templates, each also read by the others' summaries, is decoded once each by the pack and the run
    (cfn-lint's own nested-stack checks, E3043, read the children again: that is not the pack's)."""
    import traceback

    import cfnlint.decode

    calls = []
    real = cfnlint.decode.decode

    def counting(file, *args, **kwargs):
        frames = [f.filename for f in traceback.extract_stack()[:-1]]
        if any("cfn_lint_bestpractices" in f or os.path.join("cfnlint", "runner") in f for f in frames) \
                and not any(os.path.join("cfnlint", "rules") in f or os.path.join("cfnlint", "context") in f
                            for f in frames):
            calls.append(os.path.realpath(file))
        return real(file, *args, **kwargs)

    import cfnlint.runner.template.runner as runner

    monkeypatch.setattr(cfnlint.decode, "decode", counting)
    monkeypatch.setattr(runner, "decode", counting)  # the name cfn-lint's file runner imported
    _, out, err = run_command(["--format", "parseable", "--", "main.yaml"], APPS / "nested-yaml")
    assert ":E9504:" in out
    # the nested stack on S3 is said once; the local child is brought and linted, and its findings name
    # the resource by its path from the root
    assert err.count("cannot be followed") == 1 and "Reporting (on S3)" in err
    assert ":W9510:main.yaml/Workers/RefundsWorker: Lambda function 'RefundsWorker'" in out
    root = APPS / "nested-yaml"
    assert sorted(calls) == sorted(os.path.realpath(root / f) for f in ("main.yaml", "network.yaml",
                                                                         "nested/workers.yaml"))


CHILD = """\
Parameters:
  Visibility: {Type: Number, Default: 400}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref Visibility
      RedrivePolicy: {deadLetterTargetArn: arn:aws:sqs:us-east-1:123456789012:dlq, maxReceiveCount: 5}
Outputs:
  QueueArn: {Value: !GetAtt Queue.Arn}
"""

PARENT = """\
Resources:
  Fast:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: child.yaml, Parameters: {Visibility: "10"}}
  Slow:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: child.yaml, Parameters: {Visibility: "400"}}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Timeout: 60
      ReservedConcurrentExecutions: 10
      Code: {ZipFile: "def handler(e, c): return e"}
  FastMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Fast.Outputs.QueueArn, FunctionName: !Ref Worker}
  SlowMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Slow.Outputs.QueueArn, FunctionName: !Ref Worker}
"""


def test_a_child_deployed_twice_is_judged_with_each_parents_binding(tmp_path):
    (tmp_path / "main.yaml").write_text(PARENT)
    (tmp_path / "child.yaml").write_text(CHILD)
    _, out, _ = run_command(["--format", "parseable", "--", "main.yaml"], tmp_path)
    found = [line for line in out.splitlines() if ":E9504:" in line]
    assert len(found) == 1 and found[0].startswith("child.yaml:") and "10 s" in found[0], out
    assert "main.yaml/Fast/Queue:" in found[0]


def test_plain_cfn_lint_cannot_see_imports_between_separate_files():
    """What the README says the plain route cannot see: independent stacks given as separate files."""
    assert any(r["rule"] == "E9504" and r["file"] == "messaging.yaml" for r in findings_of("exports-literal"))
    assert not any(r["rule"] == "E9504" for r in plain_findings("exports-literal", "messaging.yaml"))


def test_jobs_give_the_findings_of_one_process():
    assert command_findings("nested-yaml", ["--jobs", "2"]) == findings_of("nested-yaml")


def test_bad_application_inputs_cost_only_themselves(tmp_path):
    """A manifest that names missing templates or junk, a nested stack asset that is gone, a child that
    does not parse or is no template: each gets cfn-lint's own finding, nothing raises, the rest is
    linted."""
    asm = tmp_path / "cdk.out"
    asm.mkdir()
    (asm / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": {
        "A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "A.template.json"}},
        "B": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "missing.template.json"}},
        "C": {"type": "aws:cloudformation:stack", "properties": {}}, "D": "junk",
        "S": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "nowhere"}}}}))
    (asm / "A.template.json").write_text(json.dumps({"Resources": {
        "N": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:asset:path": "gone.nested.template.json"},
              "Properties": {"TemplateURL": "https://s3.amazonaws.com/b/x.json"}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": {"Fn::GetStackOutput": "bad"}}}},
        "Outputs": {"O": "junk", "P": {"Value": {"Fn::ImportValue": [1, 2]}, "Export": {"Name": {"Ref": "Nope"}}}}}))
    (tmp_path / "main.yaml").write_text("Resources:\n  Broken:\n    Type: AWS::CloudFormation::Stack\n"
                                        "    Properties:\n      TemplateURL: ./broken.yaml\n      Parameters: [1, 2]\n"
                                        "  Q:\n    Type: AWS::SQS::Queue\n")
    (tmp_path / "broken.yaml").write_text("Resources:\n  X: [unclosed\n")
    code, out, err = run_command(["--format", "parseable", "--", "cdk.out", "main.yaml"], tmp_path)
    assert "Traceback" not in err and "cannot be followed" in err and "gone.nested.template.json" in err
    assert "broken.yaml:3:1:3:2:E0000:" in out  # the child is brought, and cfn-lint says why it fails
    assert "cdk.out/A.template.json:" in out and code == 6


def test_real_cfn_lint_append_rules_follows_the_application():
    """`cfn-lint --append-rules=cfn_lint_bestpractices.rules` itself (a separate process, as editors and CI
    call it), one template at a time: a stack template of a cloud assembly (strong references), a CDK
    nested stack template and a hand-written local nested stack each find their application from their
    location; the relations in other stacks are seen and the parents' bindings judged."""
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    files = ["shop-strong/ShopMessaging.template.json", "shop-weak/ShopServerlessWorkers7CF5FF84.nested.template.json",
             "nested-yaml/nested/workers.yaml"]
    proc = subprocess.run([str(cfn_lint), "--append-rules=cfn_lint_bestpractices.rules", "--format", "json", "--",
                           *files], capture_output=True, text=True, cwd=APPS)
    assert proc.returncode in (2, 4, 6, 8, 10, 12, 14), proc.stderr
    found = {(i["Rule"]["Id"], Path(i["Filename"]).as_posix(), i["Location"]["Path"][1])
             for i in json.loads(proc.stdout) if len(i["Location"]["Path"]) > 1}
    assert {("E9504", files[0], "OrdersQueue3DFA1D51"), ("E9601", files[0], "InvoicesQueue9AE6B222"),
            ("E9607", files[0], "LedgerQueue842A8811"), ("W9510", files[2], "RefundsWorker")} <= found
    # the parents bind the children's reserved concurrency: no W9511/W9512 on a child default
    assert not {f for f in found if f[0] in ("W9511", "W9512")}


def test_fix_leaves_a_stack_of_the_assembly_and_names_the_construct(tmp_path):
    """Item 6 across stacks: the queue's visibility timeout is wrong only as the application sees it (its
    consumer is in another stack); `fix` does not write the generated template and says what to change."""
    app = tmp_path / "app"
    shutil.copytree(APPS / "shop-weak", app)
    before = (app / "ShopMessaging.template.json").read_text()
    code, out, err = run_command(["fix", "ShopMessaging.template.json"], app)
    assert (app / "ShopMessaging.template.json").read_text() == before, (out, err)
    assert ("E9504 at 27:5: construct ShopMessaging/OrdersQueue (OrdersQueue3DFA1D51), property VisibilityTimeout: "
            "set VisibilityTimeout: 360") in out + err, (out, err)
    assert code != 0


def test_the_cache_keys_a_template_on_the_stacks_it_depends_on(tmp_path, monkeypatch):
    """A cached result is never stale for a change in another stack: the trap of uploads.yaml (its bucket's
    HTTPS-only policy lives in security.yaml) is reported from a warm cache as soon as that policy goes."""
    monkeypatch.delenv("CFN_LINT_BESTPRACTICES_NO_CACHE", raising=False)
    app = tmp_path / "app"
    shutil.copytree(APPS / "exports-literal", app)
    inputs = sorted(p.name for p in app.glob("*.yaml"))
    args = ["--cache-dir", str(tmp_path / "cache"), "--", *inputs]  # the text format: with its summary

    def uploads_w9801(out: str) -> bool:  # a finding is two lines: "W9801 message", then "file:line:column"
        lines = out.splitlines()
        return any(a.startswith("W9801 ") and b.startswith("uploads.yaml:") for a, b in zip(lines, lines[1:]))

    _, cold, _ = run_command(args, app)
    _, warm, said = run_command(args, app)
    assert warm == cold and f"{len(inputs)} templates from the cache" in said, said
    assert not uploads_w9801(cold), cold
    security = app / "security.yaml"  # its policy is now another bucket's
    text = security.read_text()
    security.write_text(text.replace("      Bucket: !ImportValue shop-uploads-bucket\n      PolicyDocument",
                                     "      Bucket: another-bucket\n      PolicyDocument"))
    assert security.read_text() != text
    _, after, said = run_command(args, app)
    assert uploads_w9801(after), after
    # uploads.yaml and security.yaml are linted again, and the stacks connected to them
    assert f"{len(inputs)} templates from the cache" not in said, said
