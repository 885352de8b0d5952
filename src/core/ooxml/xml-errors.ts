/** Thrown for a part that is not XML the tokenizer or the editor can follow (broken, or hostile: DTD, deep nesting). */
export class XmlError extends Error {}

/** SpreadsheetML nests a dozen levels; the reader refuses past this too. */
export const MAX_XML_DEPTH = 100;
