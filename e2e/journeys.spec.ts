import {
  DEMO_PASSWORD,
  expect,
  failedResource,
  fillSignUp,
  followMailLink,
  mailLink,
  signIn,
  signOut,
  signUpAndVerify,
  test,
  uniqueEmail,
  uniqueSlug,
} from "./fixtures";

const PASSWORD = "correct-horse-battery";

test("sign up, create an org, invite a member, change their role", async ({
  page,
  secondPage: member,
}) => {
  const ownerEmail = uniqueEmail("owner");
  const memberEmail = uniqueEmail("member");
  const orgName = `Journey ${uniqueSlug("org")}`;

  // The owner signs up; the verification link signs them in and lands on /orgs.
  await signUpAndVerify(page, { name: "Olivia Owner", email: ownerEmail, password: PASSWORD });
  await expect(page.getByRole("heading", { name: "Your organizations" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText(ownerEmail);

  await page.getByRole("link", { name: "New organization" }).click();
  await page.getByLabel("Organization name", { exact: true }).fill(orgName);
  const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
  expect(slug).toMatch(/^journey-org-[0-9a-f]{8}$/);
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(`**/o/${slug}`);
  await expect(page.getByRole("heading", { name: orgName })).toBeVisible();
  await expect(page.getByTestId("org-role")).toContainText("owner");

  // Invite a viewer.
  const orgNav = page.getByRole("navigation", { name: "Organization" });
  await orgNav.getByRole("link", { name: "Members" }).click();
  await page.waitForURL(`**/o/${slug}/members`);
  await page.getByLabel("Email", { exact: true }).fill(memberEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${memberEmail}.`)).toBeVisible();
  await expect(page.getByText(`${memberEmail} · Viewer`)).toBeVisible();

  const inviteUrl = new URL(await mailLink(memberEmail, "invitation"));
  expect(inviteUrl.pathname).toMatch(/^\/invite\/[\w-]+$/);

  // The member uses their own browser: sign up from the invitation, verify, accept.
  await member.goto(inviteUrl.pathname);
  await expect(member.getByRole("heading", { name: `Join ${orgName}` })).toBeVisible();
  await member.getByRole("link", { name: "Create account" }).click();
  await member.waitForURL("**/sign-up?next=*");
  await fillSignUp(member, { name: "Max Member", email: memberEmail, password: PASSWORD });
  await expect(member.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await followMailLink(member, memberEmail, "verify-email");
  await member.waitForURL((url) => url.pathname === inviteUrl.pathname);
  await member.getByRole("button", { name: "Accept invitation" }).click();
  await member.waitForURL(`**/o/${slug}`);
  await expect(member.getByTestId("org-role")).toContainText("viewer");

  // As viewer: no audit log, no settings, no invite form, and the audit page says so.
  const memberNav = member.getByRole("navigation", { name: "Organization" });
  await expect(memberNav.getByRole("link", { name: "Members" })).toBeVisible();
  await expect(memberNav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await expect(memberNav.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await memberNav.getByRole("link", { name: "Members" }).click();
  await member.waitForURL(`**/o/${slug}/members`);
  await expect(member.getByRole("cell", { name: ownerEmail, exact: true })).toBeVisible();
  await expect(member.getByRole("heading", { name: "Invite a member" })).toHaveCount(0);
  await expect(member.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(member.getByRole("combobox", { name: `Role of ${ownerEmail}` })).toHaveCount(0);
  await member.goto(`/o/${slug}/audit`);
  await expect(member.getByRole("heading", { name: "No access" })).toBeVisible();
  await member.goto(`/o/${slug}/members`);

  // The owner makes the member an admin.
  await page.goto(`/o/${slug}/members`);
  const roleSelect = page.getByRole("combobox", { name: `Role of ${memberEmail}` });
  await expect(roleSelect).toHaveValue("viewer");
  const changed = page.waitForResponse(
    (r) => r.url().includes("/api/trpc/member.changeRole") && r.request().method() === "POST",
  );
  await roleSelect.selectOption("admin");
  expect((await changed).status()).toBe(200);
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role of ${memberEmail}` })).toHaveValue("admin");

  // The member reloads the members page and now has the admin's view.
  await member.reload();
  await expect(member.getByRole("heading", { name: "Invite a member" })).toBeVisible();
  await expect(member.getByRole("button", { name: "Send invitation" })).toBeVisible();
  await expect(memberNav.getByRole("link", { name: "Audit log" })).toBeVisible();
  await memberNav.getByRole("link", { name: "Audit log" }).click();
  await member.waitForURL(`**/o/${slug}/audit`);
  await expect(member.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(member.getByRole("heading", { name: "No access" })).toHaveCount(0);
  await expect(member.getByRole("cell", { name: ownerEmail, exact: true }).first()).toBeVisible();

  await signOut(member);
});

test("MSP admin switches into a customer org and adds a customer", async ({ page }) => {
  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/demo-msp");
  await expect(page.getByRole("heading", { name: "Demo MSP" })).toBeVisible();
  await expect(page.getByText("customer organization")).toHaveCount(0);

  const switcher = page.getByRole("combobox", { name: "Organization" });
  await expect(switcher).toHaveValue("demo-msp");
  await switcher.selectOption({ label: "↳ Acme Corp" });
  await page.waitForURL("**/o/acme");
  await expect(page.getByRole("heading", { name: "Acme Corp" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText(
    "You are working in a customer organization as owner of demo-msp",
  );

  const nav = page.getByRole("navigation", { name: "Organization" });
  await nav.getByRole("link", { name: "Members" }).click();
  await page.waitForURL("**/o/acme/members");
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(
    page.getByRole("cell", { name: "it@acme.demo.patronus.dev", exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole("cell", { name: "viewer@acme.demo.patronus.dev", exact: true }),
  ).toBeVisible();

  // Back in the MSP, add a customer and open it.
  await page.goto("/o/demo-msp/customers");
  await expect(page.getByRole("heading", { name: "Customers" })).toBeVisible();
  const customerSlug = uniqueSlug("cust");
  const customerName = `Customer ${customerSlug}`;
  await page.getByLabel("Customer name").fill(customerName);
  await page.getByLabel("URL name").fill(customerSlug);
  await page.getByRole("button", { name: "Add customer" }).click();
  await page.getByRole("link", { name: `Open ${customerName}` }).click();
  await page.waitForURL(`**/o/${customerSlug}`);
  await expect(page.getByRole("heading", { name: customerName })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("customer organization");
  await expect(page.getByRole("combobox", { name: "Organization" })).toHaveValue(customerSlug);
});

test("a user of another org cannot see the MSP, in pages or the API", async ({
  page,
  consoleGuard,
}) => {
  await signIn(page, "it@acme.demo.patronus.dev", DEMO_PASSWORD);
  // Positive control: their own org opens.
  const own = await page.goto("/o/acme/members");
  expect(own?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();

  consoleGuard.allow(failedResource(404));
  for (const path of ["/o/demo-msp", "/o/demo-msp/members", "/o/demo-msp/customers"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByText("Demo MSP")).toHaveCount(0);
  }

  const input = (orgSlug: string) => encodeURIComponent(JSON.stringify({ json: { orgSlug } }));
  const foreign = await page.request.get(`/api/trpc/member.list?input=${input("demo-msp")}`);
  expect(foreign.status()).toBe(404);
  const body = JSON.stringify(await foreign.json());
  expect(body).toContain("NOT_FOUND");
  expect(body).not.toContain("msp-admin@demo.patronus.dev");

  const mine = await page.request.get(`/api/trpc/member.list?input=${input("acme")}`);
  expect(mine.status()).toBe(200);
  expect(JSON.stringify(await mine.json())).toContain("it@acme.demo.patronus.dev");
});

test("password reset through the emailed link", async ({ page, consoleGuard }) => {
  const email = uniqueEmail("reset");
  const newPassword = "a-brand-new-passphrase";
  await signUpAndVerify(page, { name: "Riley Reset", email, password: PASSWORD });
  await signOut(page);

  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.waitForURL("**/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("we sent a reset link");

  await followMailLink(page, email, "reset-password");
  await page.waitForURL("**/reset-password?token=*");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.waitForURL("**/sign-in?reset=1");
  await expect(page.getByRole("status")).toContainText("Password changed");

  // The old password no longer works (better-auth answers 401) ...
  consoleGuard.allow(failedResource(401));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/sign-in");

  // ... the new one does.
  await signIn(page, email, newPassword);
});

test("sign-up rejects bad input with field messages", async ({ page, consoleGuard }) => {
  consoleGuard.allow(failedResource(400));
  await page.goto("/sign-up");
  const password = page.getByLabel("Password");
  await expect(password).toHaveAccessibleDescription("At least 8 characters");
  await fillSignUp(page, { name: "Sam Short", email: uniqueEmail("short"), password: "short" });
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription("Password must be at least 8 characters");
  await expect(page.getByRole("heading", { name: "Check your email" })).toHaveCount(0);

  await page.getByLabel("Email").fill("not-an-email");
  await password.fill("long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription("Enter a valid email address");
  await expect(password).not.toHaveAttribute("aria-invalid", "true");
});
