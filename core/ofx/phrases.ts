/**
 * MFA challenge phrase IDs (OFX 2.1.1 / 2.2 §2.5.4, table of MFAPHRASEID values). MFA1..MFA23 are standard
 * questions a person answers, and a bank may send them without a label, so the standard wording ships here.
 * MFA101..MFA107 describe the client machine and are answered by the client itself, never shown to a person.
 * Wording follows the spec table as transcribed by ofxtools (models/signon.py), with its typos fixed.
 */
export interface StandardPhrase {
  id: string;
  label: string;
  clientSide: boolean;
}

export const STANDARD_PHRASES: readonly StandardPhrase[] = [
  { id: 'MFA1', label: 'City of birth', clientSide: false },
  { id: 'MFA2', label: 'Date of birth, formatted MM/DD/YYYY', clientSide: false },
  { id: 'MFA3', label: 'Debit card number', clientSide: false },
  { id: 'MFA4', label: "Father's middle name", clientSide: false },
  { id: 'MFA5', label: 'Favorite color', clientSide: false },
  { id: 'MFA6', label: "First pet's name", clientSide: false },
  { id: 'MFA7', label: 'Five digit ZIP code', clientSide: false },
  { id: 'MFA8', label: "Grandmother's maiden name on your father's side", clientSide: false },
  { id: 'MFA9', label: "Grandmother's maiden name on your mother's side", clientSide: false },
  { id: 'MFA10', label: 'Last four digits of your cell phone number', clientSide: false },
  { id: 'MFA11', label: 'Last four digits of your daytime phone number', clientSide: false },
  { id: 'MFA12', label: 'Last four digits of your home phone number', clientSide: false },
  { id: 'MFA13', label: 'Last four digits of your social security number', clientSide: false },
  { id: 'MFA14', label: 'Last four digits of your tax ID', clientSide: false },
  { id: 'MFA15', label: 'Month of birth of youngest sibling, do not abbreviate', clientSide: false },
  { id: 'MFA16', label: "Mother's maiden name", clientSide: false },
  { id: 'MFA17', label: "Mother's middle name", clientSide: false },
  { id: 'MFA18', label: 'Name of the company where you had your first job', clientSide: false },
  { id: 'MFA19', label: 'Name of the manufacturer of your first car', clientSide: false },
  { id: 'MFA20', label: 'Name of the street you grew up on', clientSide: false },
  {
    id: 'MFA21',
    label: "Name of your high school football team, do not include high school name, e.g. 'Beavers' rather than 'Central High Beavers'",
    clientSide: false,
  },
  { id: 'MFA22', label: 'Recent deposit or recent withdrawal amount', clientSide: false },
  { id: 'MFA23', label: 'Year of birth, formatted YYYY', clientSide: false },
  { id: 'MFA101', label: 'Date and time, formatted YYYYMMDDHHMMSS (24-hour)', clientSide: true },
  { id: 'MFA102', label: 'Host name', clientSide: true },
  { id: 'MFA103', label: 'IP address', clientSide: true },
  { id: 'MFA104', label: 'MAC address', clientSide: true },
  { id: 'MFA105', label: 'Operating system version', clientSide: true },
  { id: 'MFA106', label: 'Processor architecture, e.g. I386', clientSide: true },
  { id: 'MFA107', label: 'User-Agent', clientSide: true },
];

const BY_ID = new Map(STANDARD_PHRASES.map((p) => [p.id, p]));

/** IDs arrive as the bank wrote them; "mfa16" and " MFA16 " mean MFA16. */
function normalizeId(id: string): string {
  return id.trim().toUpperCase();
}

/** The standard label of MFA1..MFA23 and MFA101..MFA107, else null (a bank-specific phrase). */
export function standardPhraseLabel(id: string): string | null {
  return BY_ID.get(normalizeId(id))?.label ?? null;
}

/** MFA101..MFA107: the client answers these itself. */
export function isClientSidePhrase(id: string): boolean {
  return BY_ID.get(normalizeId(id))?.clientSide ?? false;
}
