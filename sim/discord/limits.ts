/**
 * Discord's payload limits, checked the way Discord checks them: a breach is a 50035 Invalid Form Body listing the
 * path of each problem. Only limits a bot can trip are modelled (custom ids, modals, messages, commands).
 */
import { FormProblems } from './errors.ts';

export const LIMITS = {
  customId: 100,
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthor: 256,
  embedTotal: 6000,
  actionRows: 5,
  rowButtons: 5,
  buttonLabel: 80,
  selectOptions: 25,
  modalTitle: 45,
  modalComponents: 5,
  labelText: 45,
  labelDescription: 100,
  textInputValue: 4000,
  textInputPlaceholder: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  autocompleteChoices: 25,
  globalCommands: 100,
} as const;

type Json = Record<string, unknown>;
type Path = Array<string | number>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Component types (discord-api-types ComponentType). */
export const COMPONENT = {
  actionRow: 1,
  button: 2,
  stringSelect: 3,
  textInput: 4,
  userSelect: 5,
  roleSelect: 6,
  mentionableSelect: 7,
  channelSelect: 8,
  textDisplay: 10,
  label: 18,
} as const;

const SELECTS: readonly number[] = [3, 5, 6, 7, 8];

/** Message content, embeds and components of a create or edit (edits may omit any part). */
export function checkMessagePayload(body: Json, problems: FormProblems, base: Path = []): void {
  problems.maxLength([...base, 'content'], body.content, LIMITS.content);
  const embeds = asArray(body.embeds);
  if (embeds.length > LIMITS.embeds) problems.add([...base, 'embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.embeds} or fewer in length.`);
  let total = 0;
  embeds.forEach((embed, i) => {
    if (!isObject(embed)) return;
    const p = [...base, 'embeds', i];
    problems.maxLength([...p, 'title'], embed.title, LIMITS.embedTitle);
    problems.maxLength([...p, 'description'], embed.description, LIMITS.embedDescription);
    const fields = asArray(embed.fields);
    if (fields.length > LIMITS.embedFields) problems.add([...p, 'fields'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.embedFields} or fewer in length.`);
    fields.forEach((field, j) => {
      if (!isObject(field)) return;
      problems.required([...p, 'fields', j, 'name'], field.name);
      problems.required([...p, 'fields', j, 'value'], field.value);
      problems.maxLength([...p, 'fields', j, 'name'], field.name, LIMITS.embedFieldName);
      problems.maxLength([...p, 'fields', j, 'value'], field.value, LIMITS.embedFieldValue);
      total += String(field.name ?? '').length + String(field.value ?? '').length;
    });
    const footer = isObject(embed.footer) ? embed.footer.text : undefined;
    const author = isObject(embed.author) ? embed.author.name : undefined;
    problems.maxLength([...p, 'footer', 'text'], footer, LIMITS.embedFooter);
    problems.maxLength([...p, 'author', 'name'], author, LIMITS.embedAuthor);
    total += [embed.title, embed.description, footer, author].reduce<number>((n, s) => n + (typeof s === 'string' ? s.length : 0), 0);
  });
  if (total > LIMITS.embedTotal) problems.add([...base, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  if (body.components !== undefined) checkMessageComponents(body.components, problems, [...base, 'components']);
}

function checkMessageComponents(components: unknown, problems: FormProblems, path: Path): void {
  const rows = asArray(components);
  if (rows.length > LIMITS.actionRows) problems.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.actionRows} or fewer in length.`);
  rows.forEach((row, i) => {
    const p = [...path, i];
    if (!isObject(row)) return problems.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    if (row.type !== COMPONENT.actionRow) return; // components v2 layouts are not modelled beyond this point
    const children = asArray(row.components);
    if (children.length === 0) problems.add([...p, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    if (children.length > LIMITS.rowButtons) problems.add([...p, 'components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.rowButtons} or fewer in length.`);
    const hasSelect = children.some((c) => isObject(c) && SELECTS.includes(Number(c.type)));
    if (hasSelect && children.length > 1) problems.add([...p, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    children.forEach((child, j) => {
      if (!isObject(child)) return;
      const c = [...p, 'components', j];
      if (child.type === COMPONENT.button) {
        const link = child.style === 5;
        const premium = child.style === 6;
        if (link) {
          problems.required([...c, 'url'], child.url);
          if (child.custom_id !== undefined) problems.add([...c, 'custom_id'], 'COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom_id');
        } else if (!premium && problems.required([...c, 'custom_id'], child.custom_id)) {
          problems.maxLength([...c, 'custom_id'], child.custom_id, LIMITS.customId);
        }
        problems.maxLength([...c, 'label'], child.label, LIMITS.buttonLabel);
      } else if (SELECTS.includes(Number(child.type))) {
        if (problems.required([...c, 'custom_id'], child.custom_id)) problems.maxLength([...c, 'custom_id'], child.custom_id, LIMITS.customId);
        if (asArray(child.options).length > LIMITS.selectOptions) problems.add([...c, 'options'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.selectOptions} or fewer in length.`);
      } else if (child.type === COMPONENT.textInput) {
        problems.add([...c, 'type'], 'COMPONENT_TYPE_INVALID', 'Text inputs are only allowed in modals');
      }
    });
  });
}

function checkTextInput(input: Json, problems: FormProblems, path: Path, insideLabel: boolean): void {
  if (problems.required([...path, 'custom_id'], input.custom_id)) problems.maxLength([...path, 'custom_id'], input.custom_id, LIMITS.customId);
  if (input.style !== 1 && input.style !== 2) problems.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
  if (insideLabel) {
    // In the Label layout the question text lives on the Label; a label on the input itself is refused.
    if (input.label !== undefined) problems.add([...path, 'label'], 'COMPONENT_FIELD_NOT_ALLOWED', 'label is not allowed inside a Label component');
  } else if (problems.required([...path, 'label'], input.label)) {
    problems.maxLength([...path, 'label'], input.label, LIMITS.labelText);
  }
  problems.maxLength([...path, 'value'], input.value, LIMITS.textInputValue);
  problems.maxLength([...path, 'placeholder'], input.placeholder, LIMITS.textInputPlaceholder);
  for (const key of ['min_length', 'max_length'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    const min = key === 'min_length' ? 0 : 1;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > LIMITS.textInputValue) {
      problems.add([...path, key], 'NUMBER_TYPE_MAX', `int value should be between ${min} and ${LIMITS.textInputValue}.`);
    }
  }
}

/** The data of an interaction callback of type 9 (MODAL): both the action-row and the Label (18) layouts. */
export function checkModal(data: Json, problems: FormProblems, base: Path = ['data']): void {
  if (problems.required([...base, 'title'], data.title)) problems.maxLength([...base, 'title'], data.title, LIMITS.modalTitle);
  if (problems.required([...base, 'custom_id'], data.custom_id)) problems.maxLength([...base, 'custom_id'], data.custom_id, LIMITS.customId);
  const components = asArray(data.components);
  if (components.length === 0) problems.add([...base, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
  if (components.length > LIMITS.modalComponents) problems.add([...base, 'components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.modalComponents} or fewer in length.`);
  components.forEach((component, i) => {
    const p = [...base, 'components', i];
    if (!isObject(component)) return problems.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    if (component.type === COMPONENT.actionRow) {
      const children = asArray(component.components);
      if (children.length !== 1) problems.add([...p, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 1 in length.');
      children.forEach((child, j) => {
        if (isObject(child) && child.type === COMPONENT.textInput) checkTextInput(child, problems, [...p, 'components', j], false);
        else problems.add([...p, 'components', j, 'type'], 'COMPONENT_TYPE_INVALID', 'Only text inputs are allowed in a modal action row');
      });
    } else if (component.type === COMPONENT.label) {
      if (problems.required([...p, 'label'], component.label)) problems.maxLength([...p, 'label'], component.label, LIMITS.labelText);
      problems.maxLength([...p, 'description'], component.description, LIMITS.labelDescription);
      const child = component.component;
      if (!isObject(child)) problems.add([...p, 'component'], 'BASE_TYPE_REQUIRED', 'This field is required');
      else if (child.type === COMPONENT.textInput) checkTextInput(child, problems, [...p, 'component'], true);
      else if (SELECTS.includes(Number(child.type))) {
        if (problems.required([...p, 'component', 'custom_id'], child.custom_id)) problems.maxLength([...p, 'component', 'custom_id'], child.custom_id, LIMITS.customId);
      } else problems.add([...p, 'component', 'type'], 'COMPONENT_TYPE_INVALID', 'Component type not allowed in a Label');
    } else if (component.type === COMPONENT.textDisplay) {
      problems.required([...p, 'content'], component.content);
    } else {
      problems.add([...p, 'type'], 'COMPONENT_TYPE_INVALID', 'Component type not allowed in a modal');
    }
  });
}

const NAME_PATTERN = /^[-_'\p{Ll}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const OPTION = { subcommand: 1, group: 2, string: 3, integer: 4, boolean: 5, user: 6, channel: 7, role: 8, mentionable: 9, number: 10, attachment: 11 } as const;
export { OPTION as OPTION_TYPE };

function checkOptions(options: unknown[], problems: FormProblems, path: Path, depth: number): void {
  if (options.length > LIMITS.commandOptions) problems.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.commandOptions} or fewer in length.`);
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option, i) => {
    const p = [...path, i];
    if (!isObject(option)) return problems.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const type = Number(option.type);
    if (typeof option.name !== 'string' || !NAME_PATTERN.test(option.name)) problems.add([...p, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    else if (names.has(option.name)) problems.add([...p, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique');
    else names.add(option.name);
    if (problems.required([...p, 'description'], option.description)) problems.maxLength([...p, 'description'], option.description, LIMITS.commandDescription);
    if (type === OPTION.subcommand || type === OPTION.group) {
      if (depth >= (type === OPTION.group ? 1 : 2)) problems.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-commands cannot be nested here');
      checkOptions(asArray(option.options), problems, [...p, 'options'], depth + 1);
      return;
    }
    if (option.required === true && sawOptional) problems.add([...p, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    if (option.required !== true) sawOptional = true;
    const choices = asArray(option.choices);
    if (choices.length > LIMITS.commandChoices) problems.add([...p, 'choices'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.commandChoices} or fewer in length.`);
    if (choices.length > 0 && option.autocomplete === true) problems.add([...p, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES', 'Autocomplete and choices are mutually exclusive');
    choices.forEach((choice, j) => {
      if (!isObject(choice)) return;
      problems.maxLength([...p, 'choices', j, 'name'], choice.name, LIMITS.choiceName);
      problems.maxLength([...p, 'choices', j, 'value'], choice.value, LIMITS.choiceValue);
    });
  });
}

/** A PUT of the whole command set (bulk overwrite). */
export function checkCommandSet(commands: unknown, problems: FormProblems): void {
  if (!Array.isArray(commands)) {
    problems.add([], 'BASE_TYPE_ARRAY', 'Must be an array');
    return;
  }
  if (commands.length > LIMITS.globalCommands) problems.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.globalCommands} or fewer in length.`);
  const seen = new Set<string>();
  commands.forEach((command, i) => {
    if (!isObject(command)) return problems.add([i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const type = command.type === undefined ? 1 : Number(command.type);
    if (type === 1 && (typeof command.name !== 'string' || !NAME_PATTERN.test(command.name))) problems.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) problems.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
    if (type === 1) {
      if (problems.required([i, 'description'], command.description)) problems.maxLength([i, 'description'], command.description, LIMITS.commandDescription);
    }
    checkOptions(asArray(command.options), problems, [i, 'options'], 0);
  });
}

/** The data of an interaction callback of type 8 (autocomplete result). */
export function checkAutocompleteChoices(data: Json, problems: FormProblems): void {
  const choices = asArray(data.choices);
  if (choices.length > LIMITS.autocompleteChoices) problems.add(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.autocompleteChoices} or fewer in length.`);
  choices.forEach((choice, j) => {
    if (!isObject(choice)) return;
    if (problems.required(['data', 'choices', j, 'name'], choice.name)) problems.maxLength(['data', 'choices', j, 'name'], choice.name, LIMITS.choiceName);
    problems.maxLength(['data', 'choices', j, 'value'], choice.value, LIMITS.choiceValue);
  });
}
