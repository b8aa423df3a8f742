import { describe, expect, it } from "vitest";
import { formErrorsFor } from "../../../app/_components/form-errors-for";
import { formErrors } from "../../../app/_lib/errors";

// A plan limit as the tRPC client sees it: the AppError's details ride in data.fields.
const limit = {
  message:
    "Your Free plan allows 3 sites and this organization has 3. Upgrade to Standard on the billing page to add more.",
  data: {
    code: "PAYMENT_REQUIRED",
    httpStatus: 402,
    fields: { limit: "sites", max: 3, used: 3, plan: "free" },
  },
};

describe("PAYMENT_REQUIRED in forms", () => {
  it("shows the server's message as the headline, not its numbers as field errors", () => {
    expect(formErrors(limit)).toEqual({ message: limit.message, fields: {} });
    expect(formErrorsFor(limit, ["name", "description"])).toEqual({
      message: limit.message,
      fields: {},
    });
  });

  it("leaves other errors' field messages alone", () => {
    const bad = {
      message: "Invalid input",
      data: { code: "BAD_REQUEST", fields: { name: "Give the site a name" } },
    };
    expect(formErrorsFor(bad, ["name"])).toEqual({
      message: "",
      fields: { name: "Give the site a name" },
    });
  });
});
