// The engine of scripts/nag: runs cdk-nag's AwsSolutions pack over synthesized CloudFormation templates.
// Each template is brought into a small JS CDK app with cloudformation-include's CfnInclude (the way cdk-nag's
// README checks existing templates), the pack runs as an aspect while that app synthesizes into a temporary
// directory, and the findings are collected through cdk-nag's INagLogger interface.
// Suppressions stay where the C# app wrote them: CfnInclude keeps each resource's Metadata, and cdk-nag 2.x
// reads `Metadata.cdk_nag.rules_to_suppress` from it (utils/nag-suppression-helper getSuppressions). This
// script only checks them first (reason, rule id, format) and leaves out the ones it rejects.
// Exit codes: 0 clean, 1 an unsuppressed error or a rejected suppression, 2 nothing could be checked.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { reasonProblem, RULE_TEXT } = require('./nag.rule');

const ROOT = path.resolve(__dirname, '..');
const USAGE = 'usage: scripts/nag [--warnings] [template.json | cloud assembly directory]...';

function templatesIn(args) {
  const defaulted = args.length === 0;
  const roots = defaulted ? [path.join(ROOT, 'cdk.out')] : args;
  const found = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) {
      throw new Error(defaulted
        ? 'there is no cdk.out: run scripts/synth first'
        : `${root}: no such file or directory`);
    }
    if (fs.statSync(root).isDirectory()) {
      const inDir = fs.readdirSync(root, { recursive: true })
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => path.join(root, f))
        .sort();
      if (inDir.length === 0) {
        throw new Error(`${root}: no *.template.json in this directory: run scripts/synth first`);
      }
      found.push(...inDir);
    } else {
      found.push(root);
    }
  }
  return found;
}

function readTemplate(file) {
  let template;
  try {
    template = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`not a readable JSON file: ${firstLine(e)}`);
  }
  if (template === null || typeof template !== 'object' || typeof template.Resources !== 'object') {
    throw new Error('not a CloudFormation template: it has no Resources section');
  }
  return template;
}

/** Runs the pack; one instance serves every template of a run. */
class Checker {
  constructor() {
    try {
      this.cdk = require('aws-cdk-lib');
      this.include = require('aws-cdk-lib/cloudformation-include');
      this.nag = require('cdk-nag');
      // Not in cdk-nag's index, but it is the code cdk-nag itself uses to read and match suppressions.
      this.helper = require('cdk-nag/lib/utils/nag-suppression-helper').NagSuppressionHelper;
    } catch (e) {
      throw new Error(`cannot load cdk-nag and aws-cdk-lib (${firstLine(e)}): run npm ci`);
    }
    this.nagVersion = require('cdk-nag/package.json').version;
    this.ruleIds = this.packRuleIds();
  }

  /** Every rule id of the pack: it applies each rule to every resource, so one probe resource meets them all. */
  packRuleIds() {
    const ids = new Set();
    const add = (d) => ids.add(d.ruleId);
    const logger = { onCompliance: add, onNotApplicable: add, onNonCompliance: add, onSuppressed: add, onError: add, onSuppressedError: add };
    const stack = new this.cdk.Stack(new this.cdk.App(), 'Probe');
    const probe = new this.cdk.CfnResource(stack, 'Probe', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    new this.nag.AwsSolutionsChecks({ reports: false, additionalLoggers: [logger] }).visit(probe);
    return ids;
  }

  /** The problems of one `cdk_nag` suppression entry (in the template's format), empty when it is acceptable. */
  entryProblems(entry) {
    if (entry === null || typeof entry !== 'object' || typeof entry.id !== 'string') {
      return ['is not an object with an "id"'];
    }
    const problems = [];
    if (!this.ruleIds.has(entry.id)) {
      problems.push(`no rule ${entry.id} in the AwsSolutions pack of cdk-nag ${this.nagVersion}`);
    }
    const appliesTo = entry.applies_to;
    if (appliesTo !== undefined && (!Array.isArray(appliesTo) || !appliesTo.every(
      (a) => typeof a === 'string' || (a !== null && typeof a === 'object' && typeof a.regex === 'string')))) {
      problems.push('"applies_to" must be a list of findings or {"regex": "/.../"} objects');
    }
    const suppression = typeof entry.reason === 'string' ? this.helper.toApiFormat(entry) : entry;
    const reason = reasonProblem(suppression.reason);
    if (reason) {
      problems.push(`${reason}; ${RULE_TEXT}`);
    } else if (problems.length === 0) {
      const formatError = this.helper.getSuppressionFormatError(suppression);
      if (formatError) {
        problems.push(formatError.replace(/\s+/g, ' ').trim());
      }
    }
    return problems;
  }

  /** Keeps the acceptable suppressions of each resource; every other one becomes a finding of its own. */
  screenSuppressions(template, rejected) {
    // CfnInclude does not hand a template's own Metadata to cdk-nag, which would ignore such a suppression silently.
    if (template.Metadata && template.Metadata.cdk_nag !== undefined) {
      rejected.push({ where: 'the template', ruleId: 'Metadata.cdk_nag',
        problem: 'stack-wide suppressions are not accepted: put each suppression on the resource it is about' });
    }
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const metadata = resource && resource.Metadata;
      if (!metadata || metadata.cdk_nag === undefined) {
        continue;
      }
      const where = describe(logicalId, metadata);
      const entries = metadata.cdk_nag && metadata.cdk_nag.rules_to_suppress;
      if (!Array.isArray(entries)) {
        rejected.push({ where, ruleId: 'Metadata.cdk_nag', problem: 'must be {"rules_to_suppress": [...]}' });
        delete metadata.cdk_nag;
        continue;
      }
      metadata.cdk_nag.rules_to_suppress = entries.filter((entry) => {
        const problems = this.entryProblems(entry);
        for (const problem of problems) {
          rejected.push({ where, ruleId: (entry && entry.id) || '(no id)', problem });
        }
        return problems.length === 0;
      });
    }
  }

  check(template, workDir) {
    const result = { errors: [], warnings: [], suppressed: 0, rejected: [] };
    this.screenSuppressions(template, result.rejected);
    const screened = path.join(workDir, 'input.template.json');
    fs.writeFileSync(screened, JSON.stringify(template));

    const { cdk } = this;
    // cfn-lint checks the templates in CI; aws-cdk-lib's own built-in template validation would only add seconds here.
    const app = new cdk.App({ outdir: path.join(workDir, 'out'), builtinCloudFormationValidation: false, treeMetadata: false });
    // The included template brings its own bootstrap parameter and rule; the host stack must not add them again.
    const stack = new cdk.Stack(app, 'Nag', {
      synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    try {
      new this.include.CfnInclude(stack, 'Template', { templateFile: screened });
    } catch (e) {
      throw new Error(`cloudformation-include cannot read it: ${firstLine(e)}`);
    }
    const finding = (d, ruleId, findingId, info, explanation) => ({
      ruleId, findingId, info, explanation, where: describe(d.resource.node.id, template.Resources[d.resource.node.id]?.Metadata),
    });
    const logger = {
      onCompliance() {},
      onNotApplicable() {},
      onNonCompliance(d) {
        const list = d.ruleLevel === 'Error' ? result.errors : result.warnings;
        list.push(finding(d, d.ruleId, d.findingId, d.ruleInfo, d.ruleExplanation));
      },
      onSuppressed() { result.suppressed += 1; },
      onError(d) {
        result.warnings.push(finding(d, 'CdkNagValidationFailure', d.ruleId, 'the rule could not evaluate the resource.', d.errorMessage));
      },
      onSuppressedError() { result.suppressed += 1; },
    };
    cdk.Aspects.of(app).add(new this.nag.AwsSolutionsChecks({ verbose: true, reports: false, additionalLoggers: [logger] }));
    app.synth();
    return result;
  }
}

function describe(logicalId, metadata) {
  const cdkPath = metadata && metadata['aws:cdk:path'];
  return cdkPath ? `${logicalId} (${cdkPath})` : logicalId;
}

function firstLine(e) {
  return String(e && e.message ? e.message : e).split('\n')[0];
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function counts(r) {
  return `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')}, ${r.suppressed} suppressed, ` +
    `${plural(r.rejected, 'rejected suppression')}`;
}

/** Findings grouped by rule: the rule's text and explanation once, then one line per resource and finding. */
function printFindings(kind, findings) {
  const byRule = new Map();
  for (const f of findings) {
    if (!byRule.has(f.ruleId)) byRule.set(f.ruleId, []);
    byRule.get(f.ruleId).push(f);
  }
  for (const [ruleId, list] of byRule) {
    console.log(`  ${kind} ${ruleId}: ${list[0].info}`);
    console.log(`    why: ${list[0].explanation.replace(/\s+/g, ' ').trim()}`);
    for (const f of list) {
      console.log(`    at ${f.where}${f.findingId ? `: ${f.findingId}` : ''}`);
    }
  }
}

function main(argv) {
  const showWarnings = argv.includes('--warnings');
  const args = argv.filter((a) => a !== '--warnings');
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) {
    throw new Error(`unknown option ${unknown}; ${USAGE}`);
  }
  const files = templatesIn(args);
  const started = Date.now();
  let checker;
  const total = { errors: 0, warnings: 0, suppressed: 0, rejected: 0 };
  let unreadable = 0;
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  try {
    files.forEach((file, i) => {
      const relative = path.relative(process.cwd(), file);
      const shown = relative && !relative.startsWith('..') ? relative : path.resolve(file);
      const t0 = Date.now();
      const workDir = path.join(workRoot, String(i));
      fs.mkdirSync(workDir);
      let r;
      try {
        const template = readTemplate(file);
        // Loaded at the first readable template, so that a run over unreadable input answers at once.
        checker = checker || new Checker();
        r = checker.check(template, workDir);
      } catch (e) {
        // Whatever stops one template (unreadable, not includable, cdk-nag missing) is one line, not a trace.
        console.log(`${shown}: cannot check: ${firstLine(e)}`);
        unreadable += 1;
        return;
      }
      const failures = r.warnings.filter((w) => w.ruleId === 'CdkNagValidationFailure');
      const n = { errors: r.errors.length, warnings: r.warnings.length, suppressed: r.suppressed, rejected: r.rejected.length };
      console.log(`${shown}: ${counts(n)} (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
      printFindings('error', r.errors);
      printFindings('warning', showWarnings ? r.warnings : failures);
      for (const x of r.rejected) {
        console.log(`  rejected suppression ${x.ruleId} on ${x.where}: ${x.problem}`);
      }
      for (const k of Object.keys(total)) total[k] += n[k];
    });
  } finally {
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`total: ${plural(files.length, 'template')}, ${counts(total)}` +
    `${unreadable ? `, ${unreadable} not checked` : ''} (${seconds.toFixed(2)} s)`);
  if (unreadable > 0) return 2;
  if (total.errors > 0) {
    console.log('Fix each error, or suppress it on its resource with a reason from C# (LlmHosting.Constructs.Nag.NagSuppressions).');
  }
  if (total.rejected > 0) {
    console.log('Correct or remove each rejected suppression: it is not honoured.');
  }
  if (total.errors > 0 || total.rejected > 0) {
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${firstLine(e)}`);
  process.exitCode = 2;
}
