import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import type {
  ActiveExportControl,
  ExportControlViewState,
  LicenceViewState,
  Life,
  ProductCoverage,
  TariffMeasureViewState,
  ValidWindow,
  EffectiveTariffs,
  ExcludedProductLine,
  ExcludedTariffLayer,
  LayerCap,
  LayerChange,
  LayerCoverage,
  LayerExclusion,
  ListedTariff,
  ListedTariffStatus,
  LicenceSummary,
  ListedPartyView,
  MeasureView,
  PartyListRef,
  PartyListViewState,
  PartyMatch,
  PartialSuspension,
  ProductLine,
  RecordedTimeChange,
  TariffChanges,
  TariffLayer,
  ValidTimeChange,
} from '@ledger/views';
import { LICENCE_VIEW_STATUSES } from '@ledger/views';
import type {
  AgreementConcluded,
  ExportControlKind,
  TariffWithdrawn,
  LicenceApproved,
  LicenceDenied,
  LicenceRevoked,
  RecordedEnvelope,
} from '@ledger/contracts';
import type { LicencePage } from '@ledger/read-models';
import {
  CitationDto,
  ControlledItemDto,
  ExportLicencesReportedDto,
  ProductScopeDto,
  RecordedEnvelopeDto,
} from './contract.dto';
import { Instant, InstantOrNull, Jurisdictions } from './fields';
import type { Mirrors, Proven } from './mirror';

/**
 * The answers of the read side, field for field the view types of @ledger/domain and
 * @ledger/read-models (each DTO is proven against its type below it).
 */

/** The members of a string union, each named once: a member added to or dropped from the union fails the build. */
function everyOf<Union extends string>(members: Record<Union, true>): Union[] {
  return Object.keys(members) as Union[];
}

const EXPORT_CONTROL_KINDS = everyOf<ExportControlKind>({
  'licence-required': true,
  prohibited: true,
  'end-user-ban': true,
});
const LISTED_TARIFF_STATUSES = everyOf<ListedTariffStatus>({
  scheduled: true,
  'in-force': true,
  suspended: true,
});
const LAYER_COVERAGES = everyOf<LayerCoverage>({ full: true, partial: true });

export class ProductLineDto implements ProductLine {
  @ApiProperty({ example: '850511' })
  readonly code!: string;

  @ApiProperty({ description: "`HS`, or the imposer's national lines", example: 'HS' })
  readonly nomenclature!: string;
}
export type ProductLineProof = Proven<Mirrors<ProductLineDto, ProductLine>>;

export class ExcludedProductLineDto extends ProductLineDto implements ExcludedProductLine {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The list the exclusion comes from',
    example: null,
  })
  readonly list!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  readonly description!: string | null;
}
export type ExcludedProductLineProof = Proven<Mirrors<ExcludedProductLineDto, ExcludedProductLine>>;

export class PartialSuspensionDto implements PartialSuspension {
  @ApiProperty({ description: 'Percentage points of the rate suspended', example: 24 })
  readonly points!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The suspended provision, when named',
    example: null,
  })
  readonly provision!: string | null;

  @Instant()
  readonly validFrom!: string;

  @InstantOrNull('End of the suspension, exclusive; null: open-ended')
  readonly validTo!: string | null;

  @ApiProperty({
    type: CitationDto,
    nullable: true,
    description:
      'The citation of the event that suspended them: the instrument, or the extension of an earlier pause',
  })
  readonly citation!: CitationDto | null;
}
export type PartialSuspensionProof = Proven<Mirrors<PartialSuspensionDto, PartialSuspension>>;

export class LayerCapDto implements LayerCap {
  @ApiProperty({ description: 'The most the layer and the included layers levy together', example: 15 })
  readonly total!: number;

  @ApiProperty({ type: [String], description: 'The programs counted towards the cap', example: ['EU-MFN'] })
  readonly including!: readonly string[];

  @ApiProperty({ description: 'What the applied full layers of those programs levy', example: 4.5 })
  readonly base!: number;
}
export type LayerCapProof = Proven<Mirrors<LayerCapDto, LayerCap>>;

export class TariffLayerDto implements TariffLayer {
  @ApiProperty({ example: 'us-ieepa-cn-2025-04' })
  readonly measureId!: string;

  @ApiProperty({ example: 'US-IEEPA-RECIPROCAL' })
  readonly program!: string;

  @ApiProperty({ description: 'The legal rate, ad valorem percentage points', example: 34 })
  readonly rate!: number;

  @ApiProperty({
    description: 'The rate less the points suspended at asOf, never below 0, held to the cap if any',
    example: 10,
  })
  readonly appliedRate!: number;

  @ApiProperty({
    type: PartialSuspensionDto,
    nullable: true,
    description: 'The latest partial suspension covering asOf',
  })
  readonly suspension!: PartialSuspensionDto | null;

  @Instant()
  readonly validFrom!: string;

  @InstantOrNull('Where the rate in force ends, exclusive; null: open-ended')
  readonly validTo!: string | null;

  @ApiProperty({ example: 'Executive Order 14257' })
  readonly legalInstrument!: string;

  @ApiProperty({ example: 'Reciprocal tariff on goods of China' })
  readonly title!: string;

  @ApiProperty({
    type: CitationDto,
    nullable: true,
    description: 'The citation of the event that set the rate in force',
  })
  readonly citation!: CitationDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The chapter 98/99 heading the rate is levied under',
    example: '9903.01.63',
  })
  readonly heading!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The instrument that set the rate in force',
    example: null,
  })
  readonly instrument!: string | null;

  @ApiProperty({
    enum: LAYER_COVERAGES,
    description: '`partial`: the layer covers only some lines under the queried code',
  })
  readonly coverage!: LayerCoverage;

  @ApiProperty({ type: [ProductLineDto], description: 'Partial layers: the finer codes covered' })
  readonly lines!: readonly ProductLineDto[];

  @ApiProperty({ type: [ExcludedProductLineDto], description: 'Partial layers: the finer codes excluded' })
  readonly excludedLines!: readonly ExcludedProductLineDto[];

  @ApiProperty({
    type: LayerCapDto,
    nullable: true,
    description:
      "The cap the layer's stacking rules hold it to at asOf; null when none (always for excluded layers)",
  })
  readonly cap!: LayerCapDto | null;
}
export type TariffLayerProof = Proven<Mirrors<TariffLayerDto, TariffLayer>>;

const STACKING_RULES = everyOf<LayerExclusion['rule']>({ 'not-stacked-on': true, 'displaced-by': true });

export class LayerExclusionDto implements LayerExclusion {
  @ApiProperty({
    enum: STACKING_RULES,
    description:
      "`not-stacked-on`: the layer's own rules exclude it where the other layer applies; `displaced-by`: the other layer's rules displace it",
  })
  readonly rule!: LayerExclusion['rule'];

  @ApiProperty({ description: 'The other (full) layer', example: 'us-232-steel-2025' })
  readonly measureId!: string;

  @ApiProperty({ example: 'US-232-STEEL' })
  readonly program!: string;
}
export type LayerExclusionProof = Proven<Mirrors<LayerExclusionDto, LayerExclusion>>;

export class ExcludedTariffLayerDto extends TariffLayerDto implements ExcludedTariffLayer {
  @ApiProperty({ type: [LayerExclusionDto], description: 'Every reason, by rule, program and measure id' })
  readonly exclusions!: readonly LayerExclusionDto[];
}
export type ExcludedTariffLayerProof = Proven<Mirrors<ExcludedTariffLayerDto, ExcludedTariffLayer>>;

export class EffectiveTariffsDto implements EffectiveTariffs {
  @ApiProperty({ type: ProductLineDto, description: 'The queried code and its nomenclature' })
  readonly product!: ProductLineDto;

  @ApiProperty({
    type: [TariffLayerDto],
    description: 'The layers that apply, ordered by program, then measure id',
  })
  readonly layers!: readonly TariffLayerDto[];

  @ApiProperty({ description: "The sum of the applied full layers' applied rates", example: 10 })
  readonly total!: number;

  @ApiProperty({ description: 'How many applied layers are partial and left out of total', example: 0 })
  readonly partialLayers!: number;

  @ApiProperty({
    type: [ExcludedTariffLayerDto],
    description: 'Layers in force that the stacking rules exclude, with their reasons; not in total',
  })
  readonly excludedLayers!: readonly ExcludedTariffLayerDto[];
}
export type EffectiveTariffsProof = Proven<Mirrors<EffectiveTariffsDto, EffectiveTariffs>>;

/** `products` is a union no class implements; the proof below holds it to the DTO. */
export class ListedTariffDto implements Omit<ListedTariff, 'products'> {
  @ApiProperty({ example: 'us-ieepa-cn-2025-04' })
  readonly measureId!: string;

  @ApiProperty({ example: 'US-IEEPA-RECIPROCAL' })
  readonly program!: string;

  @ApiProperty({ enum: LISTED_TARIFF_STATUSES })
  readonly status!: ListedTariffStatus;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The rate at asOf; null while scheduled',
    example: 34,
  })
  readonly rate!: number | null;

  @ApiProperty({ type: ProductScopeDto })
  readonly products!: ProductScopeDto;

  @Jurisdictions('The origins the measure names (`*`: every origin)')
  readonly targets!: readonly string[];

  @Jurisdictions('Origins left out of `*`', [])
  readonly excludedTargets!: readonly string[];

  @ApiProperty({ description: 'Whether the measure names the origin rather than reaching it through `*`' })
  readonly namesOrigin!: boolean;

  @ApiProperty({ example: 'Reciprocal tariff on goods of China' })
  readonly title!: string;

  @ApiProperty({ example: 'Executive Order 14257' })
  readonly legalInstrument!: string;

  @Instant()
  readonly validFrom!: string;

  @InstantOrNull('Where the measure ends (expiry or lift); null: open-ended')
  readonly validTo!: string | null;

  @ApiProperty({ type: CitationDto, nullable: true })
  readonly citation!: CitationDto | null;
}
export type ListedTariffProof = Proven<Mirrors<ListedTariffDto, ListedTariff>>;

export interface TariffList {
  readonly tariffs: readonly ListedTariff[];
}

export class TariffListDto {
  @ApiProperty({ type: [ListedTariffDto] })
  readonly tariffs!: readonly ListedTariffDto[];
}
export type TariffListProof = Proven<Mirrors<TariffListDto, TariffList>>;

export class LayerChangeDto implements LayerChange {
  @ApiProperty({ example: 'us-ieepa-cn-2025-04' })
  readonly measureId!: string;

  @ApiProperty({ example: 'US-IEEPA-RECIPROCAL' })
  readonly program!: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Applied rate before; null: not a layer then',
    example: 34,
  })
  readonly before!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Applied rate after; null: not a layer then',
    example: 10,
  })
  readonly after!: number | null;
}
export type LayerChangeProof = Proven<Mirrors<LayerChangeDto, LayerChange>>;

export class ValidTimeChangeDto implements ValidTimeChange {
  @Instant({ description: 'The instant the effective answer changes' })
  readonly at!: string;

  @ApiProperty({ example: 34 })
  readonly totalBefore!: number;

  @ApiProperty({ example: 10 })
  readonly totalAfter!: number;

  @ApiProperty({ type: [LayerChangeDto] })
  readonly layers!: readonly LayerChangeDto[];
}
export type ValidTimeChangeProof = Proven<Mirrors<ValidTimeChangeDto, ValidTimeChange>>;

export class RecordedTimeChangeDto extends ValidTimeChangeDto implements RecordedTimeChange {
  @ApiProperty({ example: '01963c1e-8a2b-7c3d-9e4f-5a6b7c8d9e0f' })
  readonly eventId!: string;

  @ApiProperty({ example: 'TariffRateChanged' })
  readonly type!: string;

  @ApiProperty({ example: 'us-ieepa-cn-2025-04' })
  readonly streamId!: string;

  @Instant()
  readonly recordedAt!: string;
}
export type RecordedTimeChangeProof = Proven<Mirrors<RecordedTimeChangeDto, RecordedTimeChange>>;

export class TariffChangesDto implements TariffChanges {
  @ApiProperty({ type: [ValidTimeChangeDto], description: 'Changes in valid time, as known at knownAt' })
  readonly validTime!: readonly ValidTimeChangeDto[];

  @ApiProperty({
    type: [RecordedTimeChangeDto],
    description: 'Events recorded in [from, to) that changed an answer',
  })
  readonly recordedTime!: readonly RecordedTimeChangeDto[];
}
export type TariffChangesProof = Proven<Mirrors<TariffChangesDto, TariffChanges>>;

export class ActiveExportControlDto implements ActiveExportControl {
  @ApiProperty({ example: 'cn-rare-earths-2025-04' })
  readonly controlId!: string;

  @ApiProperty({ example: 'CN' })
  readonly imposer!: string;

  @ApiProperty({ enum: EXPORT_CONTROL_KINDS })
  readonly kind!: ExportControlKind;

  @Jurisdictions('Destinations controlled (`*`: every destination)', ['*'])
  readonly destinations!: readonly string[];

  @Jurisdictions('Destinations left out of `*`', [])
  readonly excludedDestinations!: readonly string[];

  @ApiProperty({ type: [ControlledItemDto], description: 'Items under control at asOf, in listing order' })
  readonly items!: readonly ControlledItemDto[];

  @ApiProperty({ example: 'MOFCOM/GAC Announcement No. 18 of 2025' })
  readonly legalInstrument!: string;

  @Instant()
  readonly validFrom!: string;

  @InstantOrNull('Where the control ends (expiry or lift); null: open-ended')
  readonly validTo!: string | null;

  @ApiProperty({ type: CitationDto, nullable: true })
  readonly citation!: CitationDto | null;
}
export type ActiveExportControlProof = Proven<Mirrors<ActiveExportControlDto, ActiveExportControl>>;

export interface ExportControlList {
  readonly controls: readonly ActiveExportControl[];
}

export class ExportControlListDto implements ExportControlList {
  @ApiProperty({ type: [ActiveExportControlDto] })
  readonly controls!: readonly ActiveExportControlDto[];
}
export type ExportControlListProof = Proven<Mirrors<ExportControlListDto, ExportControlList>>;

class QuantityDto {
  @ApiProperty({ example: 500 })
  readonly amount!: number;

  @ApiProperty({ example: 'kg' })
  readonly unit!: string;
}

class LicenceApprovedDto implements LicenceApproved {
  @Instant()
  readonly decidedAt!: string;

  @Instant()
  readonly validFrom!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: null })
  readonly validTo?: string | null;

  @ApiPropertyOptional({ example: 'No re-export' })
  readonly conditions?: string;
}
export type LicenceApprovedProof = Proven<Mirrors<LicenceApprovedDto, LicenceApproved>>;

class LicenceDeniedDto implements LicenceDenied {
  @Instant()
  readonly decidedAt!: string;

  @ApiProperty({ example: 'End user not verified' })
  readonly reason!: string;
}
export type LicenceDeniedProof = Proven<Mirrors<LicenceDeniedDto, LicenceDenied>>;

class LicenceRevokedDto implements LicenceRevoked {
  @Instant()
  readonly validFrom!: string;

  @ApiProperty({ example: 'Diversion found' })
  readonly reason!: string;
}
export type LicenceRevokedProof = Proven<Mirrors<LicenceRevokedDto, LicenceRevoked>>;

type LicenceStatus = LicenceSummary['status'];

export class LicenceStateDto implements LicenceViewState {
  @ApiProperty({ example: 'cn-rare-earths-2025-04' })
  readonly exportControlId!: string;

  @ApiProperty({ example: 'Example Magnetics Co.' })
  readonly exporter!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  readonly consignee!: string | null;

  @ApiProperty({ example: 'US' })
  readonly destination!: string;

  @ApiProperty({ type: [ControlledItemDto] })
  readonly items!: readonly ControlledItemDto[];

  @ApiProperty({ type: QuantityDto, nullable: true })
  readonly quantity!: QuantityDto | null;

  @Instant()
  readonly appliedAt!: string;

  @ApiProperty({ type: LicenceApprovedDto, nullable: true })
  readonly approval!: LicenceApprovedDto | null;

  @ApiProperty({ type: LicenceDeniedDto, nullable: true })
  readonly denial!: LicenceDeniedDto | null;

  @ApiProperty({ type: LicenceRevokedDto, nullable: true })
  readonly revocation!: LicenceRevokedDto | null;
}
export type LicenceStateProof = Proven<Mirrors<LicenceStateDto, LicenceViewState>>;

export class LicenceSummaryDto extends LicenceStateDto implements LicenceSummary {
  @ApiProperty({ example: 'licence-0k3m9x2q7a1c' })
  readonly id!: string;

  @ApiProperty({
    enum: LICENCE_VIEW_STATUSES,
    description: 'The status now; `expired`: approved, past validTo',
  })
  readonly status!: LicenceStatus;

  @ApiProperty({ example: 2 })
  readonly version!: number;
}
export type LicenceSummaryProof = Proven<Mirrors<LicenceSummaryDto, LicenceSummary>>;

export class LicencePageDto implements LicencePage {
  @ApiProperty({ type: [LicenceSummaryDto] })
  readonly licences!: readonly LicenceSummaryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `after` for the next page; null: last page',
    example: null,
  })
  readonly next!: string | null;
}
export type LicencePageProof = Proven<Mirrors<LicencePageDto, LicencePage>>;

class LifeDto implements Life {
  @Instant()
  readonly validFrom!: string;

  @InstantOrNull('The end the stream was given; null: open-ended')
  readonly validTo!: string | null;

  @InstantOrNull('The earliest lift: the life is cut from here on; null: never lifted')
  readonly liftedFrom!: string | null;
}
export type LifeProof = Proven<Mirrors<LifeDto, Life>>;

class ValidWindowDto implements ValidWindow {
  @Instant()
  readonly validFrom!: string;

  @InstantOrNull('End of the window, exclusive; null: open-ended')
  readonly validTo!: string | null;
}
export type ValidWindowProof = Proven<Mirrors<ValidWindowDto, ValidWindow>>;

class TariffWithdrawnDto implements TariffWithdrawn {
  @Instant()
  readonly withdrawnAt!: string;

  @ApiProperty({ example: 'Agreement reached before the start' })
  readonly reason!: string;
}
export type TariffWithdrawnProof = Proven<Mirrors<TariffWithdrawnDto, TariffWithdrawn>>;

class ProductCoverageDto implements ProductCoverage {
  @ApiProperty({ enum: ['all', 'codes'] })
  readonly scope!: ProductCoverage['scope'];

  @ApiProperty({ type: [ProductLineDto], description: 'The listed codes (none for scope all), by code' })
  readonly codes!: readonly ProductLineDto[];

  @ApiProperty({ type: [ExcludedProductLineDto], description: 'The codes excluded, by code' })
  readonly excludedCodes!: readonly ExcludedProductLineDto[];
}
export type ProductCoverageProof = Proven<Mirrors<ProductCoverageDto, ProductCoverage>>;

/** `products` is a union no class implements; the proof below holds it to the DTO. */
export class TariffMeasureStateDto implements Omit<TariffMeasureViewState, 'products'> {
  @ApiProperty({ example: 'US' })
  readonly imposer!: string;

  @Jurisdictions('The origins the measure names (`*`: every origin)')
  readonly targets!: readonly string[];

  @Jurisdictions('Origins left out of `*`', [])
  readonly excludedTargets!: readonly string[];

  @ApiProperty({ example: 'US-IEEPA-RECIPROCAL' })
  readonly program!: string;

  @ApiProperty({ type: ProductScopeDto })
  readonly products!: ProductScopeDto;

  @ApiProperty({ example: 'Reciprocal tariff on goods of China' })
  readonly title!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null: an announcement naming no legal basis',
    example: 'Executive Order 14257',
  })
  readonly legalInstrument!: string | null;

  @Instant()
  readonly announcedAt!: string;

  @ApiProperty({ type: LifeDto })
  readonly life!: LifeDto;

  @ApiProperty({ type: [ValidWindowDto], description: 'Suspension windows in recorded order' })
  readonly suspensions!: readonly ValidWindowDto[];

  @ApiProperty({ type: [PartialSuspensionDto], description: 'Partial suspensions in recorded order' })
  readonly partialSuspensions!: readonly PartialSuspensionDto[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The rate at asOf inside the life of an imposed measure',
    example: 34,
  })
  readonly rate!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The announced rate of a measure never imposed',
    example: null,
  })
  readonly intendedRate!: number | null;

  @ApiProperty({ type: TariffWithdrawnDto, nullable: true })
  readonly withdrawal!: TariffWithdrawnDto | null;

  @ApiProperty({ type: ProductCoverageDto, description: 'The products covered at asOf, amendments applied' })
  readonly coverage!: ProductCoverageDto;
}
export type TariffMeasureStateProof = Proven<Mirrors<TariffMeasureStateDto, TariffMeasureViewState>>;

export class ExportControlStateDto implements ExportControlViewState {
  @ApiProperty({ example: 'CN' })
  readonly imposer!: string;

  @Jurisdictions('Destinations controlled (`*`: every destination)', ['*'])
  readonly destinations!: readonly string[];

  @Jurisdictions('Destinations left out of `*`', [])
  readonly excludedDestinations!: readonly string[];

  @ApiProperty({ enum: EXPORT_CONTROL_KINDS })
  readonly kind!: ExportControlKind;

  @ApiProperty({ example: 'MOFCOM/GAC Announcement No. 18 of 2025' })
  readonly legalInstrument!: string;

  @Instant()
  readonly announcedAt!: string;

  @ApiProperty({ type: LifeDto })
  readonly life!: LifeDto;

  @ApiProperty({ type: [ValidWindowDto] })
  readonly suspensions!: readonly ValidWindowDto[];

  @ApiProperty({ type: [ControlledItemDto], description: 'The items under control at asOf' })
  readonly items!: readonly ControlledItemDto[];

  @ApiProperty({
    type: [ExportLicencesReportedDto],
    description: 'Licence counts reported, in recorded order',
  })
  readonly licenceReports!: readonly ExportLicencesReportedDto[];
}
export type ExportControlStateProof = Proven<Mirrors<ExportControlStateDto, ExportControlViewState>>;

export class AgreementStateDto implements AgreementConcluded {
  @Jurisdictions('The parties', ['US', 'GB'])
  readonly parties!: readonly string[];

  @ApiProperty({ example: 'A concluded trade agreement' })
  readonly title!: string;

  @Instant()
  readonly concludedAt!: string;

  @ApiProperty({ example: 'What the parties agreed' })
  readonly summary!: string;

  @ApiProperty({ type: [String], description: 'Measures the agreement bears on', example: [] })
  readonly relatedMeasureIds!: readonly string[];
}
export type AgreementStateProof = Proven<Mirrors<AgreementStateDto, AgreementConcluded>>;

export class PartyListRefDto implements PartyListRef {
  @ApiProperty({ example: 'us-entity-list' })
  readonly id!: string;

  @ApiProperty({ example: 'US', description: 'The jurisdiction that keeps the list' })
  readonly imposer!: string;

  @ApiProperty({ example: 'Entity List' })
  readonly name!: string;
}
export type PartyListRefProof = Proven<Mirrors<PartyListRefDto, PartyListRef>>;

export class ListedPartyDto implements ListedPartyView {
  @ApiProperty({ type: PartyListRefDto, description: 'The list the party is on' })
  readonly list!: PartyListRefDto;

  @ApiProperty({ example: 'example-photonics' })
  readonly partyId!: string;

  @ApiProperty({ example: 'Example Photonics Co., Ltd.' })
  readonly name!: string;

  @ApiProperty({ type: [String], example: ['Example Optics'] })
  readonly aliases!: readonly string[];

  @ApiProperty({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  readonly country!: string;

  @ApiProperty({ type: [String], example: ['1 Example Road, Shenzhen'] })
  readonly addresses!: readonly string[];

  @ApiProperty({ example: 'Activities contrary to the national security of the United States' })
  readonly reason!: string;

  @ApiProperty({ example: 'For all items subject to the EAR' })
  readonly licenceRequirement!: string;

  @ApiProperty({ example: 'Presumption of denial' })
  readonly licenceReviewPolicy!: string;

  @ApiProperty({
    type: CitationDto,
    nullable: true,
    description: 'The citation of the listing: the notice that put the party on the list',
  })
  readonly citation!: CitationDto | null;

  @Instant({ description: 'Since when the party is on the list (valid time)' })
  readonly listedFrom!: string;
}
export type ListedPartyProof = Proven<Mirrors<ListedPartyDto, ListedPartyView>>;

export class PartyMatchDto extends ListedPartyDto implements PartyMatch {
  @ApiProperty({ example: 0.94, minimum: 0, maximum: 1, description: '1: the same name once folded' })
  readonly score!: number;

  @ApiProperty({ example: 'Example Photonics Co., Ltd.', description: 'The name or alias that scored best' })
  readonly matchedName!: string;
}
export type PartyMatchProof = Proven<Mirrors<PartyMatchDto, PartyMatch>>;

export interface PartyScreening {
  readonly matches: readonly PartyMatch[];
}

export class PartyScreeningDto implements PartyScreening {
  @ApiProperty({ type: [PartyMatchDto], description: 'Best first' })
  readonly matches!: readonly PartyMatchDto[];
}
export type PartyScreeningProof = Proven<Mirrors<PartyScreeningDto, PartyScreening>>;

export interface PartyListParties {
  readonly list: PartyListRef;
  readonly parties: readonly ListedPartyView[];
}

export class PartyListPartiesDto implements PartyListParties {
  @ApiProperty({ type: PartyListRefDto })
  readonly list!: PartyListRefDto;

  @ApiProperty({ type: [ListedPartyDto], description: 'The parties on the list at asOf, by party id' })
  readonly parties!: readonly ListedPartyDto[];
}
export type PartyListPartiesProof = Proven<Mirrors<PartyListPartiesDto, PartyListParties>>;

export class PartyListStateDto implements PartyListViewState {
  @ApiProperty({ example: 'US' })
  readonly imposer!: string;

  @ApiProperty({ example: 'Entity List' })
  readonly name!: string;

  @ApiProperty({ type: [ListedPartyDto], description: 'The parties on the list at asOf, by party id' })
  readonly parties!: readonly ListedPartyDto[];
}
export type PartyListStateProof = Proven<Mirrors<PartyListStateDto, PartyListViewState>>;

/** The view of one stream type: `ViewOf<'licence'>`. */
type ViewOf<S extends MeasureView['streamType']> = Extract<MeasureView, { readonly streamType: S }>;

const MEASURE_STATUSES = everyOf<ViewOf<'tariff-measure'>['status']>({
  announced: true,
  withdrawn: true,
  scheduled: true,
  'in-force': true,
  suspended: true,
  lifted: true,
  expired: true,
});
const LICENCE_STATUSES = everyOf<ViewOf<'licence'>['status']>({
  pending: true,
  approved: true,
  denied: true,
  revoked: true,
  expired: true,
});

/** What every stream's view has besides its type, status and state. */
abstract class StreamViewDto {
  @ApiProperty({ example: 'us-ieepa-cn-2025-04' })
  readonly id!: string;

  @ApiProperty({ description: 'The highest version recorded at knownAt (also the ETag)', example: 3 })
  readonly version!: number;
}

/** A tariff measure at (asOf, knownAt); its state's `products` is a union no class implements. */
export class TariffMeasureViewDto extends StreamViewDto implements Omit<ViewOf<'tariff-measure'>, 'state'> {
  @ApiProperty({ enum: ['tariff-measure'] })
  readonly streamType!: 'tariff-measure';

  @ApiProperty({ enum: MEASURE_STATUSES, description: 'The status at asOf as known at knownAt' })
  readonly status!: ViewOf<'tariff-measure'>['status'];

  @ApiProperty({ type: TariffMeasureStateDto })
  readonly state!: TariffMeasureStateDto;
}
export type TariffMeasureViewProof = Proven<Mirrors<TariffMeasureViewDto, ViewOf<'tariff-measure'>>>;

export class ExportControlViewDto extends StreamViewDto implements ViewOf<'export-control'> {
  @ApiProperty({ enum: ['export-control'] })
  readonly streamType!: 'export-control';

  @ApiProperty({ enum: MEASURE_STATUSES, description: 'The status at asOf as known at knownAt' })
  readonly status!: ViewOf<'export-control'>['status'];

  @ApiProperty({ type: ExportControlStateDto })
  readonly state!: ExportControlStateDto;
}
export type ExportControlViewProof = Proven<Mirrors<ExportControlViewDto, ViewOf<'export-control'>>>;

export class LicenceViewDto extends StreamViewDto implements ViewOf<'licence'> {
  @ApiProperty({ enum: ['licence'] })
  readonly streamType!: 'licence';

  @ApiProperty({ enum: LICENCE_STATUSES, description: 'The status at asOf as known at knownAt' })
  readonly status!: ViewOf<'licence'>['status'];

  @ApiProperty({ type: LicenceStateDto })
  readonly state!: LicenceStateDto;
}
export type LicenceViewProof = Proven<Mirrors<LicenceViewDto, ViewOf<'licence'>>>;

export class AgreementViewDto extends StreamViewDto implements ViewOf<'agreement'> {
  @ApiProperty({ enum: ['agreement'] })
  readonly streamType!: 'agreement';

  @ApiProperty({ enum: ['concluded'] })
  readonly status!: ViewOf<'agreement'>['status'];

  @ApiProperty({ type: AgreementStateDto })
  readonly state!: AgreementStateDto;
}
export type AgreementViewProof = Proven<Mirrors<AgreementViewDto, ViewOf<'agreement'>>>;

export class PartyListViewDto extends StreamViewDto implements ViewOf<'party-listing'> {
  @ApiProperty({ enum: ['party-listing'] })
  readonly streamType!: 'party-listing';

  @ApiProperty({ enum: ['kept'] })
  readonly status!: ViewOf<'party-listing'>['status'];

  @ApiProperty({ type: PartyListStateDto })
  readonly state!: PartyListStateDto;
}
export type PartyListViewProof = Proven<Mirrors<PartyListViewDto, ViewOf<'party-listing'>>>;

/** One view DTO per stream type: a stream type added to MeasureView and not here fails the build. */
const MEASURE_VIEWS: { readonly [S in MeasureView['streamType']]: Type<{ readonly streamType: S }> } = {
  'tariff-measure': TariffMeasureViewDto,
  'export-control': ExportControlViewDto,
  licence: LicenceViewDto,
  agreement: AgreementViewDto,
  'party-listing': PartyListViewDto,
};

/**
 * Declares the answer of a stream read: the view of its stream type, told apart by
 * `streamType` (docs/architecture.md §5).
 */
export function ApiMeasureViewResponse(description: string) {
  const views = Object.values(MEASURE_VIEWS);
  return applyDecorators(
    ApiExtraModels(...views),
    ApiOkResponse({
      description,
      schema: {
        oneOf: views.map((view) => ({ $ref: getSchemaPath(view) })),
        discriminator: {
          propertyName: 'streamType',
          mapping: Object.fromEntries(
            Object.entries(MEASURE_VIEWS).map(([streamType, view]) => [streamType, getSchemaPath(view)]),
          ),
        },
      },
    }),
  );
}

export interface EventList {
  readonly events: readonly RecordedEnvelope[];
}

export interface EventPage extends EventList {
  readonly next: number;
}

export class EventListDto implements EventList {
  @ApiProperty({ type: [RecordedEnvelopeDto], description: 'In version order, retractions included' })
  readonly events!: readonly RecordedEnvelopeDto[];
}

export type EventListProof = Proven<Mirrors<EventListDto, EventList>>;

export class EventPageDto extends EventListDto implements EventPage {
  @ApiProperty({ description: 'The position to pass as `after` for the next page', example: 42 })
  readonly next!: number;
}
export type EventPageProof = Proven<Mirrors<EventPageDto, EventPage>>;
