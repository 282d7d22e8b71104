// A minimal SMTP server that keeps every message it is given, for the browser journeys to read
// the mail goldthread sends. Plain SMTP only: no STARTTLS, no AUTH, no relaying anywhere.

import net from 'node:net';

/**
 * Starts the catcher on 127.0.0.1 and a free port.
 * @returns {Promise<{port: number, messages: object[], waitForMail: Function, close: Function}>}
 */
export async function startSmtp() {
  const messages = [];
  const taken = new Set(); // messages already handed out by waitForMail
  const waiters = new Set();
  const sockets = new Set();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // a client that hangs up mid-session is not our problem
    session(socket, (message) => {
      messages.push(message);
      for (const w of [...waiters]) w();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  /**
   * Resolves with the first message to `to` not handed out before, waiting for it to arrive.
   * @param {string} to an address (compared case-insensitively)
   * @param {{timeout?: number}} [options]
   */
  function waitForMail(to, { timeout = 10_000 } = {}) {
    const want = to.toLowerCase();
    const find = () => messages.find((m) => !taken.has(m) && m.to.some((r) => r.toLowerCase() === want));
    return new Promise((resolve, reject) => {
      const done = (m) => {
        clearTimeout(timer);
        waiters.delete(poll);
        taken.add(m);
        resolve(m);
      };
      const poll = () => {
        const m = find();
        if (m) done(m);
      };
      const timer = setTimeout(() => {
        waiters.delete(poll);
        const seen = messages.map((m) => `${m.to.join(', ')}: ${m.subject}`).join('\n  ') || '(none)';
        reject(new Error(`no mail to ${to} arrived within ${timeout} ms; messages received:\n  ${seen}`));
      }, timeout);
      waiters.add(poll);
      poll();
    });
  }

  async function close() {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(() => resolve()));
  }

  return { port, messages, waitForMail, close };
}

/** Runs one SMTP conversation on `socket`, calling `deliver` with each message accepted. */
function session(socket, deliver) {
  let buffer = Buffer.alloc(0);
  let inData = false;
  let envelope = { from: null, to: [] };
  const reply = (text) => socket.write(text + '\r\n');

  reply('220 127.0.0.1 goldthread e2e mail catcher ready');

  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (inData) {
        // The data ends with CRLF.CRLF; the CRLF before the dot belongs to the message. An empty
        // message is just ".\r\n".
        let end;
        let bodyEnd;
        if (buffer.subarray(0, 3).toString('latin1') === '.\r\n') {
          end = 3;
          bodyEnd = 0;
        } else {
          const at = buffer.indexOf('\r\n.\r\n', 0, 'latin1');
          if (at < 0) return;
          end = at + 5;
          bodyEnd = at + 2;
        }
        const raw = unstuff(buffer.subarray(0, bodyEnd).toString('latin1'));
        buffer = buffer.subarray(end);
        inData = false;
        deliver(parseMessage(raw, envelope));
        envelope = { from: null, to: [] };
        reply('250 2.0.0 OK: message kept');
        continue;
      }
      const eol = buffer.indexOf('\r\n', 0, 'latin1');
      if (eol < 0) {
        if (buffer.length > 64 * 1024) {
          reply('500 5.5.2 line too long');
          socket.end();
        }
        return;
      }
      const line = buffer.subarray(0, eol).toString('latin1');
      buffer = buffer.subarray(eol + 2);
      const verb = line.split(' ', 1)[0].toUpperCase();
      const rest = line.slice(verb.length).trim();
      switch (verb) {
        case 'EHLO':
          socket.write('250-127.0.0.1 greets ' + (rest || 'you') + '\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
          break;
        case 'HELO':
          reply('250 127.0.0.1');
          break;
        case 'MAIL':
          envelope = { from: address(rest), to: [] };
          reply('250 2.1.0 OK');
          break;
        case 'RCPT':
          envelope.to.push(address(rest));
          reply('250 2.1.5 OK');
          break;
        case 'DATA':
          if (envelope.to.length === 0) {
            reply('503 5.5.1 RCPT first');
          } else {
            inData = true;
            reply('354 End data with <CR><LF>.<CR><LF>');
          }
          break;
        case 'RSET':
          envelope = { from: null, to: [] };
          reply('250 2.0.0 OK');
          break;
        case 'NOOP':
          reply('250 2.0.0 OK');
          break;
        case 'QUIT':
          reply('221 2.0.0 Bye');
          socket.end();
          return;
        default:
          reply('502 5.5.1 command not implemented');
      }
    }
  });
}

/** The address inside `FROM:<a@b>` or `TO:<a@b> SIZE=...`. */
function address(arg) {
  const m = /<([^>]*)>/.exec(arg) ?? /:\s*(\S+)/.exec(arg);
  return m ? m[1] : arg;
}

/** Undoes SMTP dot-stuffing: a line starting with ".." was a line starting with ".". */
function unstuff(text) {
  return text.replace(/(^|\r\n)\.\./g, '$1.');
}

/**
 * Splits a message into headers and body and decodes the text parts.
 * @returns {{from: string|null, to: string[], raw: string, headers: Map<string,string>, subject: string, text: string, html: string}}
 */
export function parseMessage(raw, envelope = { from: null, to: [] }) {
  const top = parsePart(raw);
  const texts = [];
  const htmls = [];
  collect(top, texts, htmls);
  return {
    from: envelope.from,
    to: [...envelope.to],
    raw,
    headers: top.headers,
    subject: decodeWords(top.headers.get('subject') ?? ''),
    text: texts.join('\n'),
    html: htmls.join('\n'),
  };
}

function parsePart(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map();
  // Unfold continuation lines, then read "Name: value".
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function collect(part, texts, htmls) {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(part.headers.get('content-type') ?? '')?.[1];
    if (!boundary) return;
    const pieces = part.body.split(new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?[ \\t]*\\r?\\n?`));
    // The first piece is the preamble and the last the epilogue.
    for (const piece of pieces.slice(1, -1)) collect(parsePart(piece), texts, htmls);
    return;
  }
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = /charset="?([^";]+)"?/i.exec(type)?.[1] ?? 'utf-8';
  let bytes;
  if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(part.body);
  else if (encoding === 'base64') bytes = Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  else bytes = Buffer.from(part.body, 'latin1');
  const text = new TextDecoder(normaliseCharset(charset)).decode(bytes);
  if (type.startsWith('text/html')) htmls.push(text);
  else if (type.startsWith('text/')) texts.push(text);
}

function normaliseCharset(charset) {
  try {
    new TextDecoder(charset);
    return charset;
  } catch {
    return 'utf-8';
  }
}

/** Decodes a quoted-printable body (RFC 2045): soft line breaks and =XX bytes. */
export function decodeQuotedPrintable(text) {
  const unwrapped = text.replace(/[ \t]*=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < unwrapped.length; i++) {
    const c = unwrapped[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(unwrapped.slice(i + 1, i + 3))) {
      bytes.push(parseInt(unwrapped.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(unwrapped.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words in a header, such as =?utf-8?q?Confirm_your_email?=. */
function decodeWords(value) {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, kind, data) => {
      const bytes =
        kind.toLowerCase() === 'b'
          ? Buffer.from(data, 'base64')
          : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return new TextDecoder(normaliseCharset(charset)).decode(bytes);
    });
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
