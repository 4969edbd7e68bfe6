import { summarizeStreets } from '../../../src/reports/street-summary';
import { aFirmResult, aProject, usccOf } from './builders';

describe('summarizeStreets', () => {
  it('counts each listed firm once per street however many projects it has there', () => {
    const firms = [aFirmResult({ uscc: usccOf(1), list: 'red' }), aFirmResult({ uscc: usccOf(2), list: 'black' }), aFirmResult({ uscc: usccOf(3), list: null })];
    const projects = [
      aProject({ code: 'A', street: '东宁街道', firmUscc: usccOf(1), households: 100, resident: 9000, streetScore: null }),
      aProject({ code: 'B', street: '东宁街道', firmUscc: usccOf(1), households: 300, resident: 8000, streetScore: 7000 }),
      aProject({ code: 'C', street: '河南街道', firmUscc: usccOf(2), households: 50, resident: null, streetScore: null }),
      aProject({ code: 'D', street: '东宁街道', firmUscc: usccOf(3), households: 100, resident: null, streetScore: 6001 }),
      aProject({ code: 'E', street: '河南街道', firmUscc: 'UNKNOWN', households: 50, resident: 5000, streetScore: null }),
    ];
    expect(summarizeStreets(projects, firms)).toEqual([
      // resident (100 × 90 + 300 × 80) / 400 = 82.50; street (300 × 70.00 + 100 × 60.01) / 400 = 67.5025 → 67.50
      { street: '东宁街道', projects: 3, households: 500, firms: 2, resident: 8250, streetScore: 6750, redFirms: 1, blackFirms: 0, watchFirms: 0 },
      { street: '河南街道', projects: 2, households: 100, firms: 2, resident: 5000, streetScore: null, redFirms: 0, blackFirms: 1, watchFirms: 0 },
    ]);
  });

  it('rounds the weighted mean half-up at the half hundredth', () => {
    const firms = [aFirmResult({ uscc: usccOf(1) })];
    const projects = [
      aProject({ code: 'A', firmUscc: usccOf(1), households: 1, resident: 8001 }),
      aProject({ code: 'B', firmUscc: usccOf(1), households: 1, resident: 8000 }),
    ];
    // 80.005 → 80.01
    expect(summarizeStreets(projects, firms)[0]?.resident).toBe(8001);
  });
});
