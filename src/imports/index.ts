/** Reading input files (SPEC §7): CSV in UTF-8 or GBK/GB18030, XLSX; header mapping; row validation; templates. */
export { ENCODING_PROBLEM, type Charset } from './decode';
export {
  IMPORT_KINDS,
  KINDS,
  isImportKind,
  type ColumnSpec,
  type ComplaintRow,
  type DeductionRow,
  type EventRow,
  type FirmRow,
  type ImportKind,
  type ProjectRow,
  type RegulatorScoreRow,
  type RoundPeriod,
  type RowOf,
  type StreetRow,
  type StreetScoreRow,
  type SurveyResponseRow,
  type SurveySummaryRow,
} from './kinds';
export {
  MAX_LISTED_PROBLEMS,
  XLSX_PROBLEM,
  readImport,
  readImportFrom,
  streamImport,
  streamImportFrom,
  type ImportContext,
  type ImportFormat,
  type ImportResult,
  type ImportSource,
} from './read-import';
export { writeTemplate, type TemplateRow } from './template';
