// Class 5: address variants that reach one mailbox share its mail budget, so `+tags` and
// Gmail's dots give no fresh sends (server/platform/mail/throttle.ts). Before the fix only
// case was folded.
import { describe, expect, it } from "vitest";
import { mailboxOf } from "../../server/platform/mail/throttle";

describe("the mailbox an address counts as", () => {
  it.each([
    ["Victim@Example.COM", "victim@example.com"],
    ["victim+1@example.com", "victim@example.com"],
    ["victim+a+b@example.com", "victim@example.com"],
    ["v.ic.tim@gmail.com", "victim@gmail.com"],
    ["V.ictim+x@GoogleMail.com", "victim@gmail.com"],
  ])("%s → %s", (address, mailbox) => {
    expect(mailboxOf(address)).toBe(mailbox);
  });

  it("keeps dots where they name another mailbox", () => {
    expect(mailboxOf("first.last@example.com")).toBe("first.last@example.com");
  });
});
