import { declarationChange } from './declaration-live';

describe("a declaration page's live events", () => {
  const id = 'GD-1';

  it('reloads on a crossing event only when the crossing names this declaration', () => {
    const decided = { crossingId: 'X-1', declarationIds: ['GD-2', 'HK-9'] };
    expect(declarationChange(id, 'CrossingDecided', decided)).toEqual({ reload: false });
    expect(
      declarationChange(id, 'CrossingInspectionRecorded', {
        ...decided,
        heldDeclarations: ['GD-2'],
      }),
    ).toEqual({ reload: false });
    expect(declarationChange(id, 'CrossingDecided', { declarationIds: ['GD-1'] })).toEqual({
      reload: true,
    });
  });

  it("announces an inspection's HOLD of this declaration, assertively", () => {
    expect(
      declarationChange(id, 'CrossingInspectionRecorded', {
        declarationIds: ['GD-1', 'GD-2'],
        heldDeclarations: ['GD-1'],
      }),
    ).toEqual({ reload: true, say: { key: 'live.inspectionHeld', urgency: 'assertive' } });
    expect(
      declarationChange(id, 'CrossingInspectionRecorded', {
        declarationIds: ['GD-1'],
        heldDeclarations: [],
      }),
    ).toEqual({ reload: true });
  });

  it("announces, politely, an inspection's clearing that lifted this declaration's hold", () => {
    expect(
      declarationChange(id, 'CrossingInspectionRecorded', {
        declarationIds: ['GD-1', 'GD-2'],
        heldDeclarations: [],
        unheldDeclarations: ['GD-1'],
      }),
    ).toEqual({ reload: true, say: { key: 'live.inspectionCleared', urgency: 'polite' } });
  });

  it("announces this declaration's own changes and seal alarms as before", () => {
    expect(
      declarationChange(id, 'DeclarationAccepted', { declarationId: 'GD-1', state: 'ACCEPTED' }),
    ).toEqual({
      reload: true,
      say: { key: 'live.declarationChanged', urgency: 'polite' },
    });
    expect(declarationChange(id, 'SealAlarmRaised', { heldDeclarations: ['GD-1'] })).toEqual({
      reload: true,
      say: { key: 'live.sealHeld', urgency: 'assertive' },
    });
    expect(declarationChange(id, 'DeclarationAccepted', { declarationId: 'GD-3' })).toEqual({
      reload: false,
    });
  });
});
