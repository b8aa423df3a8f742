// npm run billing:set-plan -- --org <slug> --plan enterprise|standard|free
//   [--sites N --devices N --members N --api-keys N --customer-orgs N --included-gb N]   or   --org <slug> --clear
// Gives one org an operator-assigned plan and limits (docs/billing.md "Operator plans").
import {
  parseSetPlanArgs,
  SET_PLAN_USAGE,
  UsageError,
} from "../server/domains/billing/services/subscription/set-plan-args";
import { setPlanOverride } from "../server/domains/billing/services/subscription/set-plan-override";
import { getDb } from "../server/platform/db/client";

let input: ReturnType<typeof parseSetPlanArgs>;
try {
  input = parseSetPlanArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`billing:set-plan: ${error.message}\n${SET_PLAN_USAGE}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify(await setPlanOverride(getDb(), input)));
} catch (error) {
  console.error(`billing:set-plan: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await getDb().$disconnect();
}
