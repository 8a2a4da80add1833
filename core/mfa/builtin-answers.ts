/**
 * Answers to the client-side MFA phrases (MFA101..MFA107): facts about this machine that the bank checks for
 * plausibility, never shown to a person. OFX 2.1.1 §2.5.1.8 / 1.0.3 MFA addendum.
 */
import os from 'node:os';

export interface MachineFacts {
  now: Date;
  hostname: string;
  ipAddress: string;
  macAddress: string;
  osVersion: string;
  architecture: string;
  userAgent: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** YYYYMMDDHHMMSS, 24-hour clock, in the machine's local time (what a desktop client would send). */
export function formatPhraseDateTime(date: Date): string {
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/** The first external IPv4 interface, else loopback: a plausible address without any network call. */
function primaryInterface(): { address: string; mac: string } {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (!a.internal && a.family === 'IPv4') return { address: a.address, mac: a.mac };
    }
  }
  return { address: '127.0.0.1', mac: '00:00:00:00:00:00' };
}

export function readMachineFacts(userAgent: string, now = new Date()): MachineFacts {
  const nic = primaryInterface();
  return {
    now,
    hostname: os.hostname(),
    ipAddress: nic.address,
    macAddress: nic.mac.toUpperCase(),
    osVersion: `${os.type()} ${os.release()}`,
    architecture: os.arch(),
    userAgent,
  };
}

export function builtInAnswer(id: string, facts: MachineFacts): string {
  switch (id.trim().toUpperCase()) {
    case 'MFA101':
      return formatPhraseDateTime(facts.now);
    case 'MFA102':
      return facts.hostname;
    case 'MFA103':
      return facts.ipAddress;
    case 'MFA104':
      return facts.macAddress;
    case 'MFA105':
      return facts.osVersion;
    case 'MFA106':
      return facts.architecture;
    case 'MFA107':
      return facts.userAgent;
    default:
      throw new Error(`${id} is not a client-side MFA phrase`);
  }
}
