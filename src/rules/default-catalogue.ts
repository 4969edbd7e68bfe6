/**
 * The default deduction catalogue (扣分项目录) of the regulator's inspection sheet. Points are the
 * most one occurrence may deduct (or add, for bonus items) per item and project. A bureau replaces
 * it in its round's rules document with its own catalogue.
 */
import { type DeductionItem } from '../domain/rules';

export const DEFAULT_DEDUCTION_CATALOGUE: DeductionItem[] = [
  { code: 'NONE', description: '检查无扣分', kind: 'deduction', points: 0 },
  { code: 'D01', description: '公共区域保洁不到位、垃圾未及时清运', kind: 'deduction', points: 2 },
  { code: 'D02', description: '绿化养护不到位', kind: 'deduction', points: 2 },
  { code: 'D03', description: '共用设施设备维修养护不及时', kind: 'deduction', points: 3 },
  { code: 'D04', description: '消防设施缺失损坏或消防通道堵塞', kind: 'deduction', points: 5 },
  { code: 'D05', description: '电梯未按规定维护保养或定期检验', kind: 'deduction', points: 5 },
  { code: 'D06', description: '未按规定公示物业服务收费项目和标准', kind: 'deduction', points: 3 },
  { code: 'D07', description: '秩序维护和安全巡查记录缺失', kind: 'deduction', points: 2 },
  { code: 'D08', description: '业主投诉处理不及时或无处理记录', kind: 'deduction', points: 2 },
  { code: 'D09', description: '未按规定建立物业服务档案', kind: 'deduction', points: 2 },
  { code: 'D10', description: '违规收费或擅自提高收费标准', kind: 'deduction', points: 5 },
  { code: 'D11', description: '擅自利用共用部位开展经营活动', kind: 'deduction', points: 4 },
  { code: 'B01', description: '获得市级以上物业服务荣誉', kind: 'bonus', points: 3 },
  { code: 'B02', description: '参与社区治理、应急处置表现突出', kind: 'bonus', points: 2 },
];
