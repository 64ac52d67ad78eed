import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { checkpointKeyId, publicKeyText } from '@ledger/contracts';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { ApiProblems, Problem, Public } from '@ledger/http';

export class CheckpointKeyDto {
  @ApiProperty({ enum: ['ed25519'] })
  readonly algorithm!: 'ed25519';

  @ApiProperty({ description: 'The keyId every LedgerCheckpointSigned event signed with this key carries' })
  readonly keyId!: string;

  @ApiProperty({
    description: 'The public key, base64 of its SPKI DER form (what CHECKPOINT_PUBLIC_KEY takes)',
  })
  readonly publicKey!: string;

  @ApiProperty({ description: 'The same key in PEM' })
  readonly pem!: string;
}

/**
 * The public half of the key the relay signs checkpoints with. Auditors should take the key
 * they trust from the operator, not from the ledger they audit; this endpoint lets them compare.
 */
@ApiTags('ledger')
@Controller('v1/ledger')
export class CheckpointKeyController {
  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  @Get('checkpoint-key')
  // A public key is public by nature: anyone may compare it with what the operator gave them.
  @Public()
  @ApiOperation({
    summary: 'The Ed25519 public key that verifies the signed checkpoints (LedgerCheckpointSigned)',
    description: 'Auditors take the key they trust from the operator; this lets them compare. No key needed.',
  })
  @ApiOkResponse({ type: CheckpointKeyDto })
  @ApiProblems({ 404: 'This ledger serves no checkpoint key (CHECKPOINT_PUBLIC_KEY is not set)' })
  checkpointKey(): CheckpointKeyDto {
    const key = this.config.checkpoints.publicKey;
    if (!key) {
      throw new Problem(
        404,
        'checkpoint-key-not-configured',
        'This ledger serves no checkpoint key (CHECKPOINT_PUBLIC_KEY is not set)',
      );
    }
    return {
      algorithm: 'ed25519',
      keyId: checkpointKeyId(key),
      publicKey: publicKeyText(key),
      pem: key.export({ format: 'pem', type: 'spki' }).toString(),
    };
  }
}
