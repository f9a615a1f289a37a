import { partnersFrom } from '../../../infra/azure/configurePartners';
import type { Partner } from '../../../shared/domain/partners/partner';

const TENANT = '0B6C5F3E-8A1D-4F2B-9C7E-2D4A6B8E1F03';
const provider: Partner = {
  id: 'fabrikam-distribution',
  name: 'Fabrikam',
  kind: 'indirect-provider',
  providerIds: [],
  oemEligible: false,
  homeTenantId: '1c9e2f4a-5b6d-4e8f-a0b1-c2d3e4f5a6b7',
  apiClientIds: [],
};

describe('configuring partners in Azure', () => {
  it('when a partner file is read, then IDs are normalised to the lower case the app compares with', () => {
    const [partner] = partnersFrom(
      {
        id: 'contoso-direct',
        name: 'Contoso',
        kind: 'direct-csp',
        homeTenantId: TENANT,
        apiClientIds: ['ABC-1'],
      },
      [],
    );

    expect(partner).toEqual({
      id: 'contoso-direct',
      name: 'Contoso',
      kind: 'direct-csp',
      providerIds: [],
      oemEligible: false,
      homeTenantId: TENANT.toLowerCase(),
      apiClientIds: ['abc-1'],
    });
  });

  it('when one partner in the file is invalid, then the whole file is refused naming the partner and field', () => {
    expect(() =>
      partnersFrom(
        [
          { id: 'ok-partner', name: 'OK', kind: 'direct-csp', homeTenantId: TENANT },
          { id: 'Bad Partner', name: 'Bad', kind: 'direct-csp', homeTenantId: 'not-a-tenant' },
        ],
        [],
      ),
    ).toThrow(/Partner #2 is not valid:\n {2}id: .*\n {2}homeTenantId/);
  });

  it('when an indirect reseller names a provider stored already or in the same file, then it is accepted', () => {
    const reseller = {
      id: 'northwind-reseller',
      name: 'Northwind',
      kind: 'indirect-reseller',
      providerIds: ['fabrikam-distribution'],
      homeTenantId: TENANT,
    };

    expect(partnersFrom(reseller, [provider])).toHaveLength(1);
    expect(partnersFrom([provider, reseller], [])).toHaveLength(2);
  });

  it('when an indirect reseller names no provider, or one that is not an indirect provider, then it is refused', () => {
    const reseller = { id: 'northwind-reseller', name: 'N', kind: 'indirect-reseller', homeTenantId: TENANT };

    expect(() => partnersFrom(reseller, [provider])).toThrow(/names its providers/);
    expect(() => partnersFrom({ ...reseller, providerIds: ['contoso-direct'] }, [provider])).toThrow(
      /contoso-direct is not an indirect provider/,
    );
  });
});
