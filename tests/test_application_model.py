"""The application model on small systems of stacks built from dicts (no cfn-lint run)."""

from __future__ import annotations

from cfn_lint_bestpractices.model import UNKNOWN
from cfn_lint_bestpractices.model.application import Application, trim_construct_path
from cfn_lint_bestpractices.model.assembly import Link
from cfn_lint_bestpractices.model.crossing import StackModel, qualify
from cfn_lint_bestpractices.model.report import keep_finding


def app_of(**templates: dict) -> Application:
    app = Application()
    for name, template in templates.items():
        app.add(name, f"/nowhere/{name}.yaml", template, stack_name=name)
    return app.finish()


def model(app: Application, name: str, wide: bool = False) -> StackModel:
    stack = app.by_key[name]
    return StackModel(stack.template, "us-east-1", None, app, stack, wide=wide)


QUEUE = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}


def producer(export_name, value=None, **extra) -> dict:
    return {"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
            "Resources": {"Queue": QUEUE, **extra.get("resources", {})},
            "Conditions": extra.get("conditions", {}),
            "Outputs": {"QueueArn": {"Value": value or {"Fn::GetAtt": ["Queue", "Arn"]},
                                     "Export": {"Name": export_name}}}}


def consumer(import_name, **params) -> dict:
    return {"Parameters": {k: {"Type": "String", "Default": v} for k, v in params.items()},
            "Resources": {"Mapping": {"Type": "AWS::Lambda::EventSourceMapping",
                                      "Properties": {"EventSourceArn": {"Fn::ImportValue": import_name},
                                                     "FunctionName": "f"}}}}


def source_of(m: StackModel):
    return m.branches(m.resources["Mapping"].props["EventSourceArn"])


def test_literal_import_lands_on_the_exported_resource():
    app = app_of(prod=producer("orders-arn"), cons=consumer("orders-arn"))
    m = model(app, "cons")
    (br,) = source_of(m)
    assert m.lookup(br.value, ("AWS::SQS::Queue",)) == "Queue@prod"
    queue = m.resources["Queue@prod"]
    assert m.ints(queue, "VisibilityTimeout")[0].value == 30
    assert app.neighbours(app.by_key["cons"]) == [app.by_key["prod"]]


def test_sub_names_on_both_sides_with_parameter_defaults_and_pseudo_parameters():
    app = app_of(prod=producer({"Fn::Sub": "${Env}-${AWS::Region}-orders"}),
                 cons=consumer({"Fn::Join": ["-", [{"Ref": "Net"}, {"Ref": "AWS::Region"}, "orders"]]}, Net="prod"))
    m = model(app, "cons")
    (br,) = source_of(m)
    assert m.lookup(br.value, ("AWS::SQS::Queue",)) == "Queue@prod"
    assert br.params == (("Net", "prod"),)


def test_an_export_that_resolves_nowhere_stays_unknown():
    app = app_of(prod=producer("orders-arn"), cons=consumer("someone-elses-arn"))
    (br,) = source_of(model(app, "cons"))
    assert br.value is UNKNOWN
    assert not app.connected(app.by_key["cons"])
    # a name built from the stack's own name is unknown without a known stack name
    app = Application()
    app.add("prod", "/nowhere/p.yaml", producer({"Fn::Sub": "${AWS::StackName}-arn"}))
    app.add("cons", "/nowhere/c.yaml", consumer("prod-arn"))
    app.finish()
    assert source_of(model(app, "cons"))[0].value is UNKNOWN


def test_a_value_carries_the_other_stacks_conditions():
    value = {"Fn::If": ["Big", {"Fn::GetAtt": ["Queue", "Arn"]}, {"Fn::GetAtt": ["Small", "Arn"]}]}
    app = app_of(prod=producer("arn", value, conditions={"Big": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
                               resources={"Small": QUEUE}),
                 cons=consumer("arn"))
    m = model(app, "cons")
    branches = source_of(m)
    assert sorted(b.conditions for b in branches) == [(("Big@prod", False),), (("Big@prod", True),)]
    assert "condition 'Big@prod' is true" in branches[0].describe() or "condition 'Big@prod' is true" in branches[1].describe()
    assert app.user_terms("when condition 'Big@prod' is true") == "when condition 'Big' in stack prod is true"
    # the other stack's solver decides its own conditions: Big is Env = prod, so Env = dev rules it out
    assert m.possible((("Big@prod", True),), (("Env@prod", "prod"),))
    assert not m.possible((("Big@prod", True),), (("Env@prod", "dev"),))


def nested_app(binding: dict) -> Application:
    parent = {"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack",
                                      "Properties": {"TemplateURL": "child.yaml", "Parameters": binding}},
                            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {}}},
              "Outputs": {"Timeout": {"Value": {"Fn::GetAtt": ["Child", "Outputs.Timeout"]}}}}
    child = {"Parameters": {"Timeout": {"Type": "Number", "Default": 3},
                            "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": ""}},
             "Conditions": {"Long": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Timeout"}, "3"]}]}},
             "Resources": {"Fn": {"Type": "AWS::Lambda::Function",
                                  "Properties": {"Timeout": {"Ref": "Timeout"},
                                                 "MemorySize": {"Fn::If": ["Long", 1024, 128]},
                                                 "VpcConfig": {"SubnetIds": {"Ref": "Subnets"}}}}},
             "Outputs": {"Timeout": {"Value": {"Fn::GetAtt": ["Fn", "Timeout"]}}}}
    app = Application()
    root = app.add("main", "/nowhere/main.yaml", parent)
    link = Link("Child", "AWS::CloudFormation::Stack", "/nowhere/child.yaml", binding, None, "Child")
    app.add("main/Child", "/nowhere/child.yaml", child, parent=root, link=link)
    return app.finish()


def test_a_parents_binding_overrides_the_childs_default():
    app = nested_app({"Timeout": "60", "Subnets": {"Fn::Join": [",", [{"Ref": "Subnet"}]]}})
    child = model(app, "main/Child")
    fn = child.resources["Fn"]
    assert [b.value for b in child.ints(fn, "Timeout")] == [60]
    # a list parameter splits the parent's text, and names the parent's resource
    (subnets,) = child.prop(fn, "VpcConfig", "SubnetIds")
    assert [child.lookup(v, ("AWS::EC2::Subnet",)) for v in subnets.value] == ["Subnet@main"]
    # the child's condition on the bound parameter is decided by the bound value
    assert [b.value for b in child.ints(fn, "MemorySize")] == [1024]
    # the parent reads the child's output, and the child's function, as its own names
    parent = model(app, "main")
    assert parent.branches({"Fn::GetAtt": ["Child", "Outputs.Timeout"]})[0].value == "⟦Fn@main/Child.Timeout⟧"
    unbound = model(nested_app({}), "main/Child")
    assert [b.value for b in unbound.ints(unbound.resources["Fn"], "Timeout")] == [3]


def test_another_stacks_resource_names_the_viewer_plainly():
    """Identity: a queue policy in the queue's stack that names the bucket of the viewing stack through
    an export names it as the viewer's own bucket."""
    bucket_stack = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
                    "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Bucket", "Arn"]}, "Export": {"Name": "bucket-arn"}}}}
    queue_stack = {"Resources": {"Policy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
        "Queues": ["q"], "PolicyDocument": {"Statement": [{"Condition": {"ArnEquals": {
            "aws:SourceArn": {"Fn::ImportValue": "bucket-arn"}}}}]}}}}}
    app = app_of(buckets=bucket_stack, queues=queue_stack)
    viewer = model(app, "buckets", wide=True)
    policy = viewer.resources["Policy@queues"]
    cond = policy.props["PolicyDocument"]["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert cond == {"Fn::GetAtt": ["Bucket", "Arn"]}
    assert viewer.references["Bucket"] == [("Policy@queues", ("Resources", "Policy@queues", "Properties",
                                                               "PolicyDocument", "Statement", 0, "Condition",
                                                               "ArnEquals", "aws:SourceArn"))]
    assert [r.logical_id for r in viewer.of_type("AWS::SQS::QueuePolicy")] == ["Policy@queues"]
    assert model(app, "buckets").of_type("AWS::SQS::QueuePolicy") == []  # narrow: its own only


def test_findings_about_another_stacks_resource_are_that_stacks():
    app = app_of(prod=producer("orders-arn"), cons=consumer("orders-arn"))
    m = model(app, "cons", wide=True)

    class Rule:
        config: dict = {}

    assert keep_finding(Rule(), m, (("Resources", "Queue@prod", "Properties"), "x")) is None
    kept = keep_finding(Rule(), m, (("Resources", "Mapping"), "reads queue 'Queue@prod' (${Queue@prod.Arn})"))
    assert kept[1] == "reads queue 'Queue' in stack prod (${prod/Queue.Arn})"


def test_deployment_order_across_stacks():
    app = app_of(prod=producer("orders-arn"), cons=consumer("orders-arn"))
    m = model(app, "cons", wide=True)
    assert m.created_after("Mapping", "Queue@prod")
    assert not model(app, "prod", wide=True).created_after("Queue", "Mapping@cons")


def test_qualify_leaves_no_name_of_the_owner_plain():
    app = app_of(prod=producer("a"), cons=consumer("a"))
    node = {"Fn::Sub": ["${Queue.Arn}/${AWS::StackName}/${X}/${AWS::Region}", {"X": {"Ref": "Env"}}]}
    out = qualify(node, app.by_key["prod"], app.by_key["cons"], app)
    assert out == {"Fn::Sub": ["${Queue@prod.Arn}/${AWS::StackName@prod}/${X}/${AWS::Region}",
                               {"X": {"Ref": "Env@prod"}}]}
    (br,) = model(app, "cons").branches(out)
    assert br.value == "arn:aws:sqs:⟦AWS::Region⟧:⟦AWS::AccountId⟧:⟦Queue@prod⟧/prod/prod/⟦AWS::Region⟧"
    assert br.params == (("Env@prod", "prod"),)


def test_trim_construct_path_like_cdk_users_name_constructs():
    assert trim_construct_path("Shop/Queue/Resource") == "Shop/Queue"
    assert trim_construct_path("Shop/Bucket/Policy/Resource") == "Shop/Bucket/Policy"
    assert trim_construct_path("Shop/Vpc/Default") == "Shop/Vpc"
    assert trim_construct_path("Shop/Resource") == "Shop/Resource"
    assert trim_construct_path("Shop/Handler") == "Shop/Handler"


def test_values_that_cross_in_a_loop_end_unknown():
    """Exports that import each other (names that depend on a parameter, resolved at each read), a
    template that nests itself: unknown, never a crash."""
    a = {"Parameters": {"P": {"Type": "String", "Default": "b"}},
         "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
             "VisibilityTimeout": {"Fn::ImportValue": {"Fn::Sub": "${P}-x"}}}}},
         "Outputs": {"X": {"Value": {"Fn::ImportValue": {"Fn::Sub": "${P}-x"}}, "Export": {"Name": "a-x"}}}}
    b = {"Parameters": {"P": {"Type": "String", "Default": "a"}},
         "Outputs": {"X": {"Value": {"Fn::ImportValue": {"Fn::Sub": "${P}-x"}}, "Export": {"Name": "b-x"}}},
         "Resources": {}}
    app = app_of(a=a, b=b)
    m = model(app, "a", wide=True)
    assert [br.value for br in m.prop(m.resources["Q"], "VisibilityTimeout")] == [UNKNOWN]


def test_a_template_that_nests_itself(tmp_path):
    from cfn_lint_bestpractices.model.locate import build_application

    (tmp_path / "self.yaml").write_text(
        "Resources:\n  Me:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: ./self.yaml}\n")
    app = build_application([str(tmp_path / "self.yaml")])
    assert [s.display for s in app.stacks] == ["self.yaml"]


def test_an_export_name_two_stacks_make_is_unknown():
    """Two templates of a run that export one name cannot both be deployed in one Region: an import of
    that name could read either, so it stays unknown."""
    app = app_of(dev=producer("orders-arn"), prod=producer("orders-arn"), cons=consumer("orders-arn"))
    assert source_of(model(app, "cons"))[0].value is UNKNOWN
    assert not app.connected(app.by_key["cons"])


def test_dependencies_are_the_connected_templates():
    """What a result cache keys a template's findings on besides its own content (issue 27)."""
    app = app_of(prod=producer("orders-arn"), cons=consumer("orders-arn"), other=producer("other-arn"))
    assert app.dependencies("/nowhere/cons.yaml") == ["/nowhere/prod.yaml"]
    assert app.dependencies("/nowhere/other.yaml") == []


def test_a_fix_in_another_template_is_no_fix_for_this_one():
    from cfn_lint_bestpractices.fixes import Fix, NoFix, Set

    app = app_of(prod=producer("orders-arn"), cons=consumer("orders-arn"))
    m = model(app, "cons", wide=True)

    class Rule:
        config: dict = {}

    fix = Fix("set VisibilityTimeout: 360", [Set(("Resources", "Queue@prod", "Properties", "VisibilityTimeout"), 360)])
    _, _, kept = keep_finding(Rule(), m, (("Resources", "Mapping"), "m", fix))
    assert isinstance(kept, NoFix) and kept.reason == ("the change is to 'Queue' in stack prod, another template: "
                                                      "set VisibilityTimeout: 360")
    local = Fix("x", [Set(("Resources", "Mapping", "Properties", "BatchSize"), 10)])
    assert keep_finding(Rule(), m, (("Resources", "Mapping"), "m", local))[2] is local
