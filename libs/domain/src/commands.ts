import type { PolicyStreamType, StreamType } from '@ledger/contracts';
import { AGREEMENT_COMMANDS, type AgreementCommand } from './agreement/commands';
import type { CreatingIn, StreamCommands } from './command-of';
import { EXPORT_CONTROL_COMMANDS, type ExportControlCommand } from './export-control/commands';
import { LICENCE_COMMANDS, type LicenceCommand } from './licence/commands';
import { PARTY_LISTING_COMMANDS, type PartyListingCommand } from './party-listing/commands';
import { RETRACTION_COMMANDS, type RetractionCommand } from './retraction/commands';
import { TARIFF_MEASURE_COMMANDS, type TariffMeasureCommand } from './tariff-measure/commands';

/** The command union of each stream type's folder; a retraction corrects a stream of any type. */
interface CommandsOfStream {
  'tariff-measure': TariffMeasureCommand;
  'export-control': ExportControlCommand;
  licence: LicenceCommand;
  agreement: AgreementCommand;
  'party-listing': PartyListingCommand;
  any: RetractionCommand;
}

export type Command = CommandsOfStream[keyof CommandsOfStream];

export type CommandType = Command['type'];

/** Each stream type's command list (see StreamCommands), for every policy stream type. */
const COMMANDS_BY_STREAM_TYPE = {
  'tariff-measure': TARIFF_MEASURE_COMMANDS,
  'export-control': EXPORT_CONTROL_COMMANDS,
  licence: LICENCE_COMMANDS,
  agreement: AGREEMENT_COMMANDS,
  'party-listing': PARTY_LISTING_COMMANDS,
  any: RETRACTION_COMMANDS,
} as const satisfies { readonly [S in PolicyStreamType | 'any']: StreamCommands<CommandsOfStream[S]> };

type StreamCommandsOf = typeof COMMANDS_BY_STREAM_TYPE;

/** The stream type each command writes to, the key of the record that lists it. */
export type CommandStreamType<T extends CommandType> = {
  [S in keyof StreamCommandsOf]: T extends keyof StreamCommandsOf[S] ? S : never;
}[keyof StreamCommandsOf];

const commandEntries = Object.entries(COMMANDS_BY_STREAM_TYPE).flatMap(([streamType, commands]) =>
  Object.entries(commands).map(([type, role]) => ({ type: type as CommandType, streamType, role })),
);

/** The stream type each command writes to; a retraction corrects any stream. */
export const COMMAND_STREAM_TYPE = Object.fromEntries(
  commandEntries.map(({ type, streamType }) => [type, streamType]),
) as { readonly [T in CommandType]: CommandStreamType<T> } satisfies Readonly<
  Record<CommandType, StreamType | 'any'>
>;

export type CreationCommand = Extract<
  Command,
  { type: { [S in keyof StreamCommandsOf]: CreatingIn<StreamCommandsOf[S]> }[keyof StreamCommandsOf] }
>;

/** The commands that start a stream; every other command needs the stream to exist. */
export const CREATION_COMMANDS: readonly CreationCommand['type'][] = commandEntries.flatMap(
  ({ type, role }) => (role === 'creates' ? [type as CreationCommand['type']] : []),
);

export function isCreationCommand(command: Command): command is CreationCommand {
  return (CREATION_COMMANDS as readonly CommandType[]).includes(command.type);
}

/** What a decision may know beyond its own stream: the type of each stream the command names. */
export interface DecisionContext {
  /** undefined when no such stream exists (or its creation was retracted). */
  streamTypeOf(streamId: string): StreamType | undefined;
}

/** Other streams a command names; the handler loads their types into the DecisionContext. */
export function referencedStreamIds(command: Command): string[] {
  if (command.type === 'ApplyForLicence') return [command.data.exportControlId];
  if (command.type === 'ConcludeAgreement') return [...command.data.relatedMeasureIds];
  return [];
}
