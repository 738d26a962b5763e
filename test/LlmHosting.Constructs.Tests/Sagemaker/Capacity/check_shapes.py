"""Checks the capacity properties a template carries against two independent references.

1. botocore's SageMaker model: every AWS::SageMaker::EndpointConfig's ProductionVariants, and every
   AWS::SageMaker::InferenceComponent's Specification, are validated as the input of CreateEndpointConfig and
   CreateInferenceComponent (botocore's ParamValidator: member names, types, required members, minimums).
2. cfn-lint with the CloudFormation schemas of the two types extended by what CloudFormation has added since the
   installed cfn-lint was built (--registry-schemas): AWS::SageMaker::EndpointConfig as cfn-lint's own schema update of
   2026-05-27 ships it (aws-cloudformation/cfn-lint c00d399, resources/799ad136373dd799.json: InstancePools{InstanceType,
   ModelNameOverride, Priority} and VariantInstanceProvisionTimeoutInSeconds), AWS::SageMaker::InferenceComponent's
   Specification.DataCacheConfig and SchedulingConfig as the CloudFormation template reference documents them. The
   template's cfn-lint metadata is removed first, so that E3002 is checked, not ignored.

Usage: check_shapes.py <template.json>... [--without-additions <template.json>...]: the templates before
--without-additions are checked against both references, those after it against the installed cfn-lint alone (one
cfn-lint run per group, as cfn-lint's start costs seconds). Prints one problem per line, "<template path><TAB><problem>";
exit code 0 when none.
"""
import copy
import importlib
import json
import os
import subprocess
import sys
import tempfile

import botocore.session
from botocore.validate import ParamValidator
import cfnlint

ENDPOINT_CONFIG_ADDITIONS = {
    "definitions": {
        "InstancePools": {
            "additionalProperties": False,
            "properties": {"InstanceType": {"type": "string"}, "ModelNameOverride": {"type": "string"}, "Priority": {"type": "integer"}},
            "required": ["Priority", "InstanceType"],
            "type": "object",
        }
    },
    "ProductionVariant": {
        "InstancePools": {"items": {"$ref": "#/definitions/InstancePools"}, "type": "array", "uniqueItems": False},
        "VariantInstanceProvisionTimeoutInSeconds": {"type": "integer"},
    },
}

INFERENCE_COMPONENT_ADDITIONS = {
    "definitions": {
        "InferenceComponentDataCacheConfig": {
            "additionalProperties": False,
            "properties": {"EnableCaching": {"type": "boolean"}},
            "required": ["EnableCaching"],
            "type": "object",
        },
        "InferenceComponentAvailabilityZoneBalance": {
            "additionalProperties": False,
            "properties": {"EnforcementMode": {"type": "string"}, "MaxImbalance": {"type": "integer"}},
            "required": ["EnforcementMode"],
            "type": "object",
        },
        "InferenceComponentSchedulingConfig": {
            "additionalProperties": False,
            "properties": {
                "PlacementStrategy": {"type": "string"},
                "AvailabilityZoneBalance": {"$ref": "#/definitions/InferenceComponentAvailabilityZoneBalance"},
            },
            "required": ["PlacementStrategy"],
            "type": "object",
        },
    },
    "InferenceComponentSpecification": {
        "DataCacheConfig": {"$ref": "#/definitions/InferenceComponentDataCacheConfig"},
        "SchedulingConfig": {"$ref": "#/definitions/InferenceComponentSchedulingConfig"},
    },
}


def literal(value):
    """The value with every intrinsic function replaced by a placeholder string, as the API would receive it."""
    if isinstance(value, dict):
        if len(value) == 1 and (next(iter(value)).startswith("Fn::") or next(iter(value)) == "Ref"):
            return "resolved-value"
        return {k: literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [literal(v) for v in value]
    return value


def botocore_problems(template):
    model = botocore.session.get_session().get_service_model("sagemaker")
    validator = ParamValidator()
    problems = []
    for logical_id, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::SageMaker::EndpointConfig":
            params = {"EndpointConfigName": "x", "ProductionVariants": literal(properties["ProductionVariants"])}
            operation = "CreateEndpointConfig"
        elif resource["Type"] == "AWS::SageMaker::InferenceComponent":
            params = {"InferenceComponentName": "x", "EndpointName": "x", "Specification": literal(properties["Specification"])}
            operation = "CreateInferenceComponent"
        else:
            continue
        report = validator.validate(params, model.operation_model(operation).input_shape)
        if report.has_errors():
            problems.append(f"botocore {operation} {logical_id}: " + report.generate_report().replace("\n", " "))
    return problems


def schema_of(type_name):
    root = os.path.dirname(cfnlint.__file__)
    types = importlib.import_module("cfnlint.data.schemas.providers.us_east_1").types
    with open(os.path.join(root, "data", "schemas", "resources", types[type_name] + ".json"), encoding="utf-8") as f:
        return json.load(f)


def extended_schemas(directory):
    endpoint_config = schema_of("AWS::SageMaker::EndpointConfig")
    endpoint_config["definitions"].update(ENDPOINT_CONFIG_ADDITIONS["definitions"])
    endpoint_config["definitions"]["ProductionVariant"]["properties"].update(ENDPOINT_CONFIG_ADDITIONS["ProductionVariant"])
    component = schema_of("AWS::SageMaker::InferenceComponent")
    component["definitions"].update(INFERENCE_COMPONENT_ADDITIONS["definitions"])
    component["definitions"]["InferenceComponentSpecification"]["properties"].update(INFERENCE_COMPONENT_ADDITIONS["InferenceComponentSpecification"])
    for name, schema in (("endpointconfig", endpoint_config), ("inferencecomponent", component)):
        with open(os.path.join(directory, f"aws-sagemaker-{name}.json"), "w", encoding="utf-8") as f:
            json.dump(schema, f)


def cfn_lint_problems(templates, with_additions):
    """One cfn-lint run over every template: {index: [problem, ...]}."""
    problems = {i: [] for i in range(len(templates))}
    if not templates:
        return problems
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for i, template in enumerate(templates):
            stripped = copy.deepcopy(template)
            for resource in stripped.get("Resources", {}).values():
                if resource["Type"] in ("AWS::SageMaker::EndpointConfig", "AWS::SageMaker::InferenceComponent"):
                    resource.get("Metadata", {}).pop("cfn-lint", None)
            paths.append(os.path.join(directory, f"template{i}.json"))
            with open(paths[-1], "w", encoding="utf-8") as f:
                json.dump(stripped, f)
        command = ["cfn-lint", "--format", "parseable"]
        if with_additions:
            schemas = os.path.join(directory, "schemas")
            os.mkdir(schemas)
            extended_schemas(schemas)
            command += ["--registry-schemas", schemas]
        result = subprocess.run(command + ["--", *paths], capture_output=True, text=True, timeout=120)
        for line in result.stdout.splitlines():
            if line.strip():
                path, rest = line.split(":", 1)
                problems[paths.index(path)].append(f"cfn-lint: {rest}")
    return problems


def load(path):
    # The tests serialize templates through Newtonsoft, which writes CDK's whole numbers as 1.0; cdk synth writes 1.
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=lambda text: int(float(text)) if float(text).is_integer() else float(text))


def main():
    arguments = sys.argv[1:]
    split = arguments.index("--without-additions") if "--without-additions" in arguments else len(arguments)
    checked, plain = arguments[:split], arguments[split + 1:]
    found = False
    for files, with_additions in ((checked, True), (plain, False)):
        templates = [load(path) for path in files]
        lint = cfn_lint_problems(templates, with_additions)
        for i, path in enumerate(files):
            for problem in (botocore_problems(templates[i]) if with_additions else []) + lint[i]:
                print(f"{path}\t{problem}")
                found = True
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
