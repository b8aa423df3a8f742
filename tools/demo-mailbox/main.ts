// The demo's mailbox: what `npm start` shows instead of sending mail when no SMTP_URL is
// set. A dev tool, not part of the product (the portal never lists mail in production):
// it binds to 127.0.0.1 only and answers only under a random path that npm start prints.
//   tsx tools/demo-mailbox/main.ts --port 4100 --token <random>
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import pg from "pg";

const { values } = parseArgs({
  options: { port: { type: "string" }, token: { type: "string" } },
});
const port = Number(values.port);
const token = values.token ?? "";
if (!Number.isInteger(port) || port <= 0 || port > 65_535 || !/^[A-Za-z0-9_-]{16,}$/.test(token)) {
  console.error("demo-mailbox: --port <port> --token <at least 16 url-safe characters> are needed");
  process.exit(2);
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Each mail, links clickable; everything else escaped. */
function render(
  rows: { to: string; kind: string; subject: string; text: string; createdAt: Date }[],
) {
  const mails = rows.map((m) => {
    const body = escapeHtml(m.text).replace(
      /https?:\/\/[^\s&]+(?:&amp;[^\s&]+)*/g,
      (url) => `<a href="${url}">${url}</a>`,
    );
    return `<article><p>To ${escapeHtml(m.to)} · ${escapeHtml(m.kind)} · ${m.createdAt.toISOString()}</p><h2>${escapeHtml(m.subject)}</h2><pre>${body}</pre></article>`;
  });
  return `<!doctype html><meta charset="utf-8"><title>Demo mailbox</title>
<style>body{font:14px system-ui;max-width:48rem;margin:2rem auto}article{border:1px solid #ccc;padding:0 1rem;margin:1rem 0}pre{white-space:pre-wrap;word-break:break-all}</style>
<h1>Demo mailbox</h1><p>The mails Patronus would have sent, newest first. This page exists only in the <code>npm start</code> demo.</p>
${mails.join("\n") || "<p>No mail yet.</p>"}`;
}

const server = createServer(async (req, res) => {
  if (req.method !== "GET" || req.url !== `/${token}`) {
    res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
    return;
  }
  try {
    const { rows } = await pool.query(
      `SELECT "to", kind, subject, text, "createdAt" FROM mail_outbox ORDER BY "createdAt" DESC LIMIT 50`,
    );
    res
      .writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(render(rows));
  } catch (error) {
    console.error(`demo-mailbox: ${(error as Error).message}`);
    res.writeHead(503, { "content-type": "text/plain" }).end("The database is not reachable");
  }
});

server.listen(port, "127.0.0.1", () => console.log(`demo-mailbox: listening on 127.0.0.1:${port}`));
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => server.close(() => pool.end().then(() => process.exit(0))));
