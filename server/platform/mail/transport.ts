import nodemailer from "nodemailer";
import { env } from "../env";

let transport: nodemailer.Transporter | null | undefined;

/** SMTP transport when SMTP_URL is set; null means "record in the outbox only". */
export function getMailTransport() {
  if (transport === undefined)
    transport = env.SMTP_URL ? nodemailer.createTransport(env.SMTP_URL) : null;
  return transport;
}
