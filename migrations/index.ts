/**
 * The static list of migrations, in order. A custom knex migration source reads this list, so no
 * TypeScript loader or directory scan is needed at run time. Append new migrations at the end.
 */
import type { Knex } from 'knex';
import * as schema from './20250101000000_schema';
import * as surveyCheckOnePass from './20261123000000_survey_check_one_pass';
import * as resultsExplanationJson from './20261129000000_results_explanation_json';
import * as computationSlices from './20261201000000_computation_slices';
import * as settings from './20261201000100_settings';
import * as summaryMeanExact from './20261201000200_summary_mean_exact';
import * as accountSecurity from './20261202000100_account_security';
import * as importedHistory from './20261202000200_imported_history';
import * as surveyOnline from './20261202000300_survey_online';
import * as rectificationReport from './20261202000400_rectification_report';
import * as surveyEraseAddresses from './20261202000500_survey_erase_addresses';
import * as surveyExclusions from './20261202000600_survey_exclusions';
import * as surveyAnswerTiming from './20261203000000_survey_answer_timing';

export interface MigrationModule {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const MIGRATIONS: readonly MigrationModule[] = [
  { name: '20250101000000_schema', up: schema.up, down: schema.down },
  { name: '20261123000000_survey_check_one_pass', up: surveyCheckOnePass.up, down: surveyCheckOnePass.down },
  { name: '20261129000000_results_explanation_json', up: resultsExplanationJson.up, down: resultsExplanationJson.down },
  { name: '20261201000000_computation_slices', up: computationSlices.up, down: computationSlices.down },
  { name: '20261201000100_settings', up: settings.up, down: settings.down },
  { name: '20261201000200_summary_mean_exact', up: summaryMeanExact.up, down: summaryMeanExact.down },
  { name: '20261202000100_account_security', up: accountSecurity.up, down: accountSecurity.down },
  { name: '20261202000200_imported_history', up: importedHistory.up, down: importedHistory.down },
  { name: '20261202000300_survey_online', up: surveyOnline.up, down: surveyOnline.down },
  { name: '20261202000400_rectification_report', up: rectificationReport.up, down: rectificationReport.down },
  { name: '20261202000500_survey_erase_addresses', up: surveyEraseAddresses.up, down: surveyEraseAddresses.down },
  { name: '20261202000600_survey_exclusions', up: surveyExclusions.up, down: surveyExclusions.down },
  { name: '20261203000000_survey_answer_timing', up: surveyAnswerTiming.up, down: surveyAnswerTiming.down },
];
