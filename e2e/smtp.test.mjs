// The mail catcher the journeys rely on, spoken to as an SMTP client would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSmtp } from './smtp.mjs';

/** Sends `lines` one command at a time, waiting for each reply; returns the replies. */
async function converse(port, commands) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let pending = '';
  const waiting = [];
  socket.on('data', (d) => {
    pending += d;
    // A reply is complete at a line "NNN text" (a space after the code, not a hyphen).
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(pending);
      if (!m) break;
      pending = pending.slice(m[0].length);
      waiting.shift()?.(m[0]);
    }
  });
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const replies = [await next()];
  for (const command of commands) {
    const reply = next();
    socket.write(command);
    replies.push(await reply);
  }
  socket.end();
  return replies;
}

test('the mail catcher speaks SMTP and keeps decoded messages', async () => {
  const smtp = await startSmtp();
  try {
    const message = [
      'From: goldthread <no-reply@goldthread.invalid>',
      'To: ada@example.org',
      'Subject: =?utf-8?q?Confirm_your_email_=E2=80=93_goldthread?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Hello Ada =E2=80=93 confirm your address:',
      'http://127.0.0.1:1234/confirm-email?token=3Dabcdefghijklmnopqrstuvwxyz012345=',
      '6789',
      '..a line that began with a dot',
      '',
    ].join('\r\n');
    const replies = await converse(smtp.port, [
      'EHLO client.example\r\n',
      'MAIL FROM:<no-reply@goldthread.invalid>\r\n',
      'RCPT TO:<Ada@Example.org>\r\n',
      'DATA\r\n',
      message + '.\r\n',
      'QUIT\r\n',
    ]);
    assert.match(replies[0], /^220 /);
    assert.match(replies[1], /^250-/, 'EHLO gets a multi-line reply');
    assert.doesNotMatch(replies[1], /STARTTLS|AUTH/, 'no STARTTLS or AUTH is offered');
    assert.match(replies[4], /^354 /);
    assert.match(replies[5], /^250 /);
    assert.match(replies[6], /^221 /);

    const mail = await smtp.waitForMail('ada@example.org', { timeout: 2000 });
    assert.equal(mail.from, 'no-reply@goldthread.invalid');
    assert.equal(mail.subject, 'Confirm your email – goldthread');
    assert.match(mail.text, /^Hello Ada – confirm your address:/);
    assert.match(mail.text, /http:\/\/127\.0\.0\.1:1234\/confirm-email\?token=abcdefghijklmnopqrstuvwxyz0123456789\r?\n/);
    assert.match(mail.text, /\r\n\.a line that began with a dot/);

    await assert.rejects(smtp.waitForMail('ada@example.org', { timeout: 200 }), /no mail to ada@example.org/, 'a message is handed out once');
  } finally {
    await smtp.close();
  }
});

test('the mail catcher reads multipart messages and several per connection', async () => {
  const smtp = await startSmtp();
  try {
    const multipart = [
      'Subject: Two parts',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
      '',
      'plain text',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>html</p>').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const replies = await converse(smtp.port, [
      'HELO client.example\r\n',
      'MAIL FROM:<a@example.org>\r\n',
      'RCPT TO:<b@example.org>\r\n',
      'DATA\r\n',
      multipart + '.\r\n',
      'RSET\r\n',
      'NOOP\r\n',
      'MAIL FROM:<a@example.org> SIZE=10\r\n',
      'RCPT TO:<c@example.org>\r\n',
      'DATA\r\n',
      'Subject: second\r\n\r\nbody\r\n.\r\n',
      'QUIT\r\n',
    ]);
    assert.deepEqual(
      replies.map((r) => r.slice(0, 3)),
      ['220', '250', '250', '250', '354', '250', '250', '250', '250', '250', '354', '250', '221'],
    );
    const first = await smtp.waitForMail('b@example.org', { timeout: 2000 });
    assert.equal(first.text.trim(), 'plain text');
    assert.equal(first.html.trim(), '<p>html</p>');
    const second = await smtp.waitForMail('c@example.org', { timeout: 2000 });
    assert.equal(second.subject, 'second');
    assert.equal(second.text, 'body\r\n');
  } finally {
    await smtp.close();
  }
});

test('waitForMail waits for mail that arrives later', async () => {
  const smtp = await startSmtp();
  try {
    const waiting = smtp.waitForMail('late@example.org', { timeout: 5000 });
    setTimeout(() => {
      converse(smtp.port, ['HELO x\r\n', 'MAIL FROM:<a@x.org>\r\n', 'RCPT TO:<late@example.org>\r\n', 'DATA\r\n', 'Subject: late\r\n\r\nhi\r\n.\r\n', 'QUIT\r\n']);
    }, 100);
    assert.equal((await waiting).subject, 'late');
  } finally {
    await smtp.close();
  }
});
