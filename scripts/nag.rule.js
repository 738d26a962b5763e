// The project's rule for a cdk-nag suppression reason. The C# helper
// (src/LlmHosting.Constructs/Nag/NagSuppressions.cs) applies the same rule when the suppression is written;
// test/LlmHosting.Constructs.Tests/Nag/ReasonRuleParityTests runs both over one table of reasons.
// cdk-nag itself only asks for 10 characters; a reviewer needs a sentence and the evidence it rests on.
'use strict';

const MIN_REASON_LENGTH = 30;

// Evidence is a source named in parentheses: at least three characters, not only spaces.
const EVIDENCE = /\(\s*[^()\s][^()]+[^()\s]\s*\)/;

const RULE_TEXT =
  `a reason must be a sentence of at least ${MIN_REASON_LENGTH} characters that names its evidence in parentheses ` +
  'and ends with a full stop, e.g. "CreateModelImportJob supports no resource type (Service Authorization Reference)."';

/** What is wrong with a reason, or null when it follows the rule. */
function reasonProblem(reason) {
  if (typeof reason !== 'string') {
    return 'has no reason';
  }
  const text = reason.trim();
  if (text.length < MIN_REASON_LENGTH) {
    return `reason "${text}" is shorter than ${MIN_REASON_LENGTH} characters`;
  }
  if (!EVIDENCE.test(text)) {
    return `reason "${text}" names no evidence in parentheses`;
  }
  if (!text.endsWith('.')) {
    return `reason "${text}" does not end with a full stop`;
  }
  return null;
}

module.exports = { reasonProblem, RULE_TEXT, MIN_REASON_LENGTH };
