import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  EVENT_TYPES,
  STREAM_TYPES,
  type Actor,
  type Citation,
  type ControlledItem,
  type EventType,
  type ExportLicencesReported,
  type ProductScope,
  type RecordedEnvelope,
  type StreamType,
} from '@ledger/contracts';
import { Instant } from './fields';
import type { Mirrors, Proven } from './mirror';

/** The parts of the event contract that answers carry as they are. */

export class CitationDto implements Citation {
  @ApiPropertyOptional({ format: 'uri', example: 'https://www.federalregister.gov/' })
  readonly url?: string;

  @ApiPropertyOptional({ example: 'Executive Order 14257' })
  readonly reference?: string;

  @ApiPropertyOptional({
    example:
      'Regulating Imports With a Reciprocal Tariff To Rectify Trade Practices That Contribute to Large and Persistent Annual United States Goods Trade Deficits',
  })
  readonly title?: string;
}
export type CitationProof = Proven<Mirrors<CitationDto, Citation>>;

export class ActorDto implements Actor {
  @ApiProperty({ description: 'The id of the API key that appended the event', example: 'k-admin-01' })
  readonly keyId!: string;

  @ApiProperty({ enum: ['admin', 'reader', 'auditor', 'system'] })
  readonly role!: Actor['role'];
}
export type ActorProof = Proven<Mirrors<ActorDto, Actor>>;

export class ControlledItemDto implements ControlledItem {
  @ApiPropertyOptional({ description: 'A periodic-table symbol', example: 'Dy' })
  readonly element?: string;

  @ApiPropertyOptional({ example: '1C902.a' })
  readonly controlCode?: string;

  @ApiPropertyOptional({ example: '280530' })
  readonly hsCode?: string;

  @ApiProperty({ example: 'Dysprosium and its compounds' })
  readonly description!: string;
}
export type ControlledItemProof = Proven<Mirrors<ControlledItemDto, ControlledItem>>;

/** `scope: all` (optionally less `excludedCodes`) or `scope: codes` with the listed `codes`. */
export class ProductScopeDto {
  @ApiProperty({ enum: ['all', 'codes'] })
  readonly scope!: ProductScope['scope'];

  @ApiPropertyOptional({
    type: [String],
    description: 'With scope codes: the HS codes covered',
    example: ['850511'],
  })
  readonly codes?: readonly string[];

  @ApiPropertyOptional({ type: [String], description: 'With scope all: the HS codes left out', example: [] })
  readonly excludedCodes?: readonly string[];
}
/** ProductScope is a union: each of its members must fit the DTO. */
export type ProductScopeProof = Proven<ProductScope extends ProductScopeDto ? true : false>;

class ReportPeriodDto {
  @Instant()
  readonly from!: string;

  @Instant()
  readonly to!: string;
}

export class ExportLicencesReportedDto implements ExportLicencesReported {
  @ApiProperty({ type: Number, nullable: true, description: 'null: not disclosed', example: 12 })
  readonly count!: number | null;

  @ApiProperty({ type: ReportPeriodDto })
  readonly period!: ReportPeriodDto;

  @Instant()
  readonly reportedAt!: string;
}
export type ExportLicencesReportedProof = Proven<Mirrors<ExportLicencesReportedDto, ExportLicencesReported>>;

/**
 * An event as recorded (docs/architecture.md §3): `data` is the payload at the schema version it
 * was recorded with; its schema per type and version is in the AsyncAPI document (/asyncapi.json).
 */
export class RecordedEnvelopeDto implements RecordedEnvelope {
  @ApiProperty({ description: 'UUID v7', example: '01963c1e-8a2b-7c3d-9e4f-5a6b7c8d9e0f' })
  readonly id!: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'TariffImposed' })
  readonly type!: EventType;

  @ApiProperty({ minimum: 1, example: 1 })
  readonly schemaVersion!: number;

  @ApiProperty({ example: 'us-ieepa-cn-2025-04' })
  readonly streamId!: string;

  @ApiProperty({ enum: STREAM_TYPES, example: 'tariff-measure' })
  readonly streamType!: StreamType;

  @ApiProperty({ minimum: 1, example: 1 })
  readonly streamVersion!: number;

  @ApiProperty({
    minimum: 1,
    description: 'Journal position: increases in commit order, may have gaps',
    example: 42,
  })
  readonly position!: number;

  @Instant()
  readonly recordedAt!: string;

  @ApiProperty({ type: ActorDto })
  readonly actor!: ActorDto;

  @ApiProperty({ example: '0b6f7c1e-3f5d-4a8e-9c1d-2e7f4b9a6c30' })
  readonly correlationId!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  readonly causationId!: string | null;

  @ApiProperty({ type: CitationDto, nullable: true })
  readonly citation!: CitationDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Hash of the previous event of the stream; null for version 1',
    example: null,
  })
  readonly prevHash!: string | null;

  @ApiProperty({
    description: 'Lowercase hex SHA-256 of the JCS form of the envelope without hash and position',
    example: 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778',
  })
  readonly hash!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The payload of the event type, at schemaVersion',
  })
  readonly data!: object;
}
export type RecordedEnvelopeProof = Proven<Mirrors<RecordedEnvelopeDto, RecordedEnvelope>>;
