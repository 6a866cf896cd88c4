import { Option } from 'commander';

/**
 * --instance and --org, each read from its environment variable when not given, for every
 * command that takes one: local and remote commands alike, so that one `export
 * GATEHOUSE_INSTANCE=…` serves the whole CLI. Callers add an id parser or make one mandatory.
 */
export const instanceOption = (description = 'instance id') => new Option('--instance <id>', description).env('GATEHOUSE_INSTANCE');
export const orgOption = (description = 'organization id') => new Option('--org <id>', description).env('GATEHOUSE_ORG');
