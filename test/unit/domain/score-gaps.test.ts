/**
 * SPEC §5.3 `block`: the projects and firms that refuse a compute, read off the engine input.
 */
import { scoreGaps } from '../../../src/domain/score-gaps';
import { aFirm, aProject } from './builders';

describe('score gaps (SPEC §5.3 block)', () => {
  it('lists the projects without a street or a resident score and the firms without a regulator score, by code', () => {
    const gaps = scoreGaps({
      roundCode: '2025-H1',
      firms: [
        aFirm({ uscc: 'F2', name: '乙物业', projects: [aProject({ code: 'P9', name: '九号院', streetScore: null }), aProject({ code: 'P3', name: '三号院', resident: null, streetScore: null })] }),
        aFirm({ uscc: 'F1', name: '甲物业', regulatorInput: null, projects: [aProject({ code: 'P5', resident: null }), aProject({ code: 'P1' })] }),
        // a disqualified firm is not ranked: its gaps do not count
        aFirm({ uscc: 'F0', status: 'disqualified', regulatorInput: null, projects: [aProject({ code: 'P0', resident: null, streetScore: null })] }),
      ],
    });
    expect(gaps).toMatchObject({ projects: 3, projectsWithoutStreetScore: 2, projectsWithoutResident: 2, firms: 1 });
    expect(gaps.projectList.map((p) => [p.code, p.firmUscc, p.withoutStreetScore, p.withoutResident])).toEqual([
      ['P3', 'F2', true, true],
      ['P5', 'F1', false, true],
      ['P9', 'F2', true, false],
    ]);
    expect(gaps.firmList).toEqual([{ uscc: 'F1', name: '甲物业' }]);
  });

  it('cuts the lists to the limit and keeps the full counts', () => {
    const firms = Array.from({ length: 5 }, (_, i) => aFirm({ uscc: `F${i}`, regulatorInput: null, projects: [aProject({ code: `P${i}`, streetScore: null })] }));
    const gaps = scoreGaps({ roundCode: '2025-H1', firms }, { limit: 2 });
    expect(gaps).toMatchObject({ projects: 5, firms: 5 });
    expect(gaps.projectList.map((p) => p.code)).toEqual(['P0', 'P1']);
    expect(gaps.firmList.map((f) => f.uscc)).toEqual(['F0', 'F1']);
  });
});
