import type { CheckedUpload } from '../../application/portal/portalUploads';
import type { Relationship } from '../../domain/relationships/relationship';
import type { PortalVisitor } from './portalPage';

/**
 * The portal's upload pages as their templates see them (portalUpload.hbs, portalUploadChecked.hbs):
 * the customers to pick from, and a checked file's rows. The handler reads and checks; this file shapes.
 */
const SHOWN_PROBLEMS = 500;

const HEADER_STYLE_LABELS: Record<string, string> = {
  'partner-center': 'Partner Center',
  intune: 'Intune (Get-WindowsAutopilotInfo)',
};

export interface UploadRefusal {
  readonly code: string;
  readonly message: string;
  readonly line?: number | undefined;
  readonly fileName?: string;
}

export function uploadPageModel(
  visitor: PortalVisitor,
  customers: readonly Relationship[],
  selectedTenantId: string,
  refusal: UploadRefusal | undefined,
) {
  return {
    customers: [...customers]
      // A customer that revoked is offered too: its batch waits for consent to be given again.
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'active' ? -1 : 1))
      .map((c) => ({
        tenantId: c.tenantId,
        label: c.status === 'active' ? c.domain : `${c.domain} (revoked: the batch will wait for consent)`,
        selected: c.tenantId === selectedTenantId.toLowerCase(),
      })),
    refusal,
    csrf: visitor.csrf,
  };
}

export function checkedPageModel(
  visitor: PortalVisitor,
  fileName: string,
  customer: Relationship,
  checked: Extract<CheckedUpload, { ok: true }>,
) {
  return {
    fileName,
    customer,
    headerStyle: HEADER_STYLE_LABELS[checked.headerStyle] ?? checked.headerStyle,
    encoding: checked.encoding.toUpperCase(),
    total: checked.total,
    valid: checked.valid,
    invalid: checked.problems.length,
    problems: checked.problems.slice(0, SHOWN_PROBLEMS),
    moreProblems: Math.max(0, checked.problems.length - SHOWN_PROBLEMS),
    hashedRows: checked.hashedRows.slice(0, SHOWN_PROBLEMS),
    moreHashedRows: Math.max(0, checked.hashedRows.length - SHOWN_PROBLEMS),
    consentActive: checked.consent === 'active',
    consentRevoked: checked.consent === 'revoked',
    confirmUrl: `/api/portal/upload/${checked.upload.uploadId}/confirm`,
    expiresAt: checked.upload.expiresAt.replace('T', ' ').slice(0, 16),
    csrf: visitor.csrf,
  };
}
