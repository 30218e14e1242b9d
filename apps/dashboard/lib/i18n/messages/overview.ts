import { defineMessages } from '../define';

/** The overview page. */
export const overview = defineMessages({
  th: {
    overviewTitle: 'ตัวชี้วัดปีงบประมาณ {fy}',
    overviewGoal:
      'เป้าหมาย: ร้อยละ {target} ของอินโฟกราฟิกที่นำเสนอ ({stories} เรื่อง) ต้องมีผู้เข้าชมไม่น้อยกว่า {threshold} ราย',
    kpiPublished: 'เผยแพร่แล้ว',
    kpiPassed: 'ถึง {threshold}',
    kpiBelow: 'ยังไม่ถึง {count} เรื่อง',
    kpiRate: 'อัตราผ่าน',
    kpiRateTarget: 'เป้า {target} %',
    kpiQuota: 'ความคืบหน้าตามโควตา',
    kpiQuotaMet: 'ครบตามเป้าแล้ว',
    kpiQuotaToGo: 'ขาดอีก {count} เรื่อง',
    invalidFiscalYear: 'ปีงบประมาณต้องเป็นปี พ.ศ. สี่หลัก เช่น 2564 ไม่ใช่ "{value}"',
    invalidFiscalYearTitle: 'ปีงบประมาณไม่ถูกต้อง',
    projectLabel: 'โครงการ',
    fiscalYearLabel: 'ปีงบประมาณ',
    showButton: 'แสดง',
    unknownProject: 'ไม่พบโครงการ "{value}"',
  },
  en: {
    overviewTitle: 'KPI, fiscal year {fy}',
    overviewGoal:
      'Goal: {target} % of the infographics presented ({stories} stories) reach at least {threshold} people.',
    kpiPublished: 'Published',
    kpiPassed: 'Reached {threshold}',
    kpiBelow: '{count} below the line',
    kpiRate: 'Pass rate',
    kpiRateTarget: 'target {target} %',
    kpiQuota: 'Toward the quota',
    kpiQuotaMet: 'quota met',
    kpiQuotaToGo: '{count} to go',
    invalidFiscalYear:
      'The fiscal year must be a four-digit Buddhist-Era year such as 2564, not "{value}".',
    invalidFiscalYearTitle: 'Invalid fiscal year',
    projectLabel: 'Project',
    fiscalYearLabel: 'Fiscal year',
    showButton: 'Show',
    unknownProject: 'There is no project "{value}".',
  },
});
