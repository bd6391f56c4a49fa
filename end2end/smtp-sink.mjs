// A real SMTP server on loopback for the end-to-end tests (the `smtp-server` package of the
// Nodemailer project). Every message it receives is written, parsed, as one JSON file in
// $E2E_MAIL_DIR, where the tests read the links and codes the portal sent.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const folder = process.env.E2E_MAIL_DIR;
const port = Number(process.env.E2E_SMTP_PORT);
if (!folder || !port) throw new Error('E2E_MAIL_DIR and E2E_SMTP_PORT must be set');
mkdirSync(folder, { recursive: true });
let count = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        count += 1;
        const message = {
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: mail.html || '',
        };
        writeFileSync(join(folder, `${Date.now()}-${String(count).padStart(4, '0')}.json`), JSON.stringify(message));
        callback();
      })
      .catch(callback);
  },
});
server.listen(port, '127.0.0.1', () => console.log(`SMTP sink on 127.0.0.1:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
