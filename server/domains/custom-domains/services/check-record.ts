import { lookupTxt } from "../../../platform/dns/txt";
import { recordName, recordValue } from "./domains";

/** What one ownership check found: null when the record is there, else why not. */
export async function checkRecord(hostname: string, token: string): Promise<string | null> {
  const name = recordName(hostname);
  const answer = await lookupTxt(name);
  if (answer.kind !== "records") return answer.message;
  const expected = recordValue(token);
  if (answer.texts.some((t) => t.trim() === expected)) return null;
  const ours = answer.texts.filter((t) => t.startsWith("patronus-domain-verification="));
  return ours.length
    ? `${name} has a patronus-domain-verification record, but not this domain's token`
    : `${name} has TXT records, but none is "${expected}"`;
}
