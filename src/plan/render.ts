// The plan as text: the exact commands, stage by stage, that a user could run by hand (`nslab up --dry-run`).

import { planOperationCount, renderOperation, type Plan } from '../model/index.js';

export function renderPlan(plan: Plan): string {
  const lines = [`# plan for lab '${plan.lab}': ${plan.netns.length} namespaces, ${planOperationCount(plan)} operations`];
  for (const s of plan.stages) {
    lines.push('', `# stage ${s.name} (${s.ops.length})`);
    for (const op of s.ops) lines.push(renderOperation(op));
  }
  return lines.join('\n') + '\n';
}
