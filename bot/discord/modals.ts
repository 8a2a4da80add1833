/** Building modals the same way everywhere: a Label (text ≤ 45, description ≤ 100) around each text input. */
import { LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';

export const MODAL_TITLE_MAX = 45;
export const LABEL_MAX = 45;
export const DESCRIPTION_MAX = 100;

export interface ModalField {
  customId: string;
  label: string;
  description?: string;
  required?: boolean;
  maxLength?: number;
}

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function buildModal(customId: string, title: string, fields: readonly ModalField[]): ModalBuilder {
  const modal = new ModalBuilder().setCustomId(customId).setTitle(cut(title, MODAL_TITLE_MAX));
  for (const field of fields) {
    const input = new TextInputBuilder()
      .setCustomId(field.customId)
      .setStyle(TextInputStyle.Short)
      .setRequired(field.required ?? true);
    if (field.maxLength) input.setMaxLength(field.maxLength);
    const label = new LabelBuilder().setLabel(cut(field.label, LABEL_MAX)).setTextInputComponent(input);
    if (field.description) label.setDescription(cut(field.description, DESCRIPTION_MAX));
    modal.addLabelComponents(label);
  }
  return modal;
}
