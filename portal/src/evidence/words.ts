/**
 * The words of the verify page, the sharing section and the release slip, in the portal's
 * three languages. Kept out of i18n/messages.ts, which the sign-in page loads: these come
 * with the pages that use them. English is the reference; the compiler makes the others
 * complete and a unit test checks their placeholders.
 */
import type { Locale } from '../i18n/locale';

const en = {
  'verify.title': 'Check a customs release',
  'verify.intro':
    'Check the evidence of a release or a boundary decision on the GD–HK clearance ledger. It is checked here, in your browser: no account is needed and the bundle is sent nowhere.',
  'verify.file': 'Evidence bundle (.json file)',
  'verify.paste': 'Or paste the bundle',
  'verify.check': 'Check',
  'verify.checking': 'Checking…',
  'verify.fromLink': 'Fetching the evidence this link shares…',
  'verify.valid': 'Valid',
  'verify.tampered': 'Tampered',
  'verify.invalidByPeers': 'Not valid: marked invalid by the peers',
  'verify.otherNetwork': 'Not valid: not from this clearance network',
  'verify.notAbout': 'Not valid: about something else',
  'verify.invalid': 'Not valid',
  'verify.revoked': 'Revoked',
  'verify.revokedText': 'Whoever shared this link has revoked it; it shows nothing any more.',
  'verify.unknownLink': 'No such link',
  'verify.unknownLinkText': 'This link was not made by this service, or it was mistyped.',
  'verify.notJson': 'This is not JSON: choose or paste the bundle file as it was given to you.',
  'verify.checks': 'Every check',
  'verify.took': 'Checked in {ms} ms in this browser.',
  'verify.trustRoot': 'Trusted starting point',
  'verify.trustRootServed':
    'genesis block {hash} of channel {channel}, as this service publishes it',
  'verify.trustRootPinned': 'genesis block {hash} of channel {channel}, pinned by you',
  'verify.pin': 'Pin your own trust root (.json)',
  'verify.unpin': 'Forget your trust root',
  'verify.badTrustRoot': 'That file is not a trust root.',
  'verify.noTrustRoot': 'No trust root yet: pin one to check bundles.',
  'verify.status.VALID': 'passed',
  'verify.status.INVALID': 'failed',
  'verify.status.SKIPPED': 'not checked',

  'share.title': 'Evidence anyone can check',
  'share.intro':
    'Make a link to the evidence of this release for a carrier, a bank or another customs service. Whoever has it can check the release without an account; it shows only the public facts, never commercial values. You can revoke it at any time.',
  'share.make': 'Make a link and a release slip',
  'share.onlyOnce': 'Print or copy it now: the link is shown only this once.',
  'share.links': 'Your links',
  'share.none': 'No links yet.',
  'share.made': 'made {at}',
  'share.live': 'live',
  'share.revokedAt': 'revoked {at}',
  'share.revoke': 'Revoke',
  'share.revokedNow': 'The link is revoked: it opens nothing now.',
  'share.download': 'Download the evidence bundle',

  'slip.title': 'Release slip',
  'slip.declaration': 'Declaration',
  'slip.consignment': 'Consignment',
  'slip.jurisdiction': 'Customs',
  'slip.releasedBy': 'Released by',
  'slip.scan': 'Scan to check this release (no account needed):',
  'slip.print': 'Print the slip',
  'slip.qr': 'QR code of the verify link',
  'org.GDCustomsMSP': 'Guangdong Customs',
  'org.GDCIQMSP': 'Guangdong Inspection and Quarantine',
  'org.HKCustomsMSP': 'Hong Kong Customs',
  'org.GD': 'Guangdong',
  'org.HK': 'Hong Kong',
} as const;

export type EvidenceKey = keyof typeof en;

const zhHK: Record<EvidenceKey, string> = {
  'verify.title': '核實海關放行',
  'verify.intro':
    '核實粵港通關賬本上放行或邊境決定的證據。核實在你的瀏覽器內進行：毋須帳戶，證據包不會傳送到任何地方。',
  'verify.file': '證據包（.json 檔案）',
  'verify.paste': '或貼上證據包',
  'verify.check': '核實',
  'verify.checking': '核實中……',
  'verify.fromLink': '正在取得此連結分享的證據……',
  'verify.valid': '有效',
  'verify.tampered': '已被竄改',
  'verify.invalidByPeers': '無效：節點已將其標記為無效',
  'verify.otherNetwork': '無效：並非來自此通關網絡',
  'verify.notAbout': '無效：涉及其他事項',
  'verify.invalid': '無效',
  'verify.revoked': '已撤銷',
  'verify.revokedText': '分享此連結的人已將其撤銷，連結不再顯示任何內容。',
  'verify.unknownLink': '沒有此連結',
  'verify.unknownLinkText': '此連結並非由本服務建立，或輸入有誤。',
  'verify.notJson': '這不是 JSON：請選擇或貼上你收到的證據包檔案。',
  'verify.checks': '所有檢查',
  'verify.took': '已在此瀏覽器內於 {ms} 毫秒完成核實。',
  'verify.trustRoot': '信任起點',
  'verify.trustRootServed': '通道 {channel} 的創世區塊 {hash}，由本服務公布',
  'verify.trustRootPinned': '通道 {channel} 的創世區塊 {hash}，由你固定',
  'verify.pin': '固定你自己的信任根（.json）',
  'verify.unpin': '移除你的信任根',
  'verify.badTrustRoot': '該檔案不是信任根。',
  'verify.noTrustRoot': '尚無信任根：請固定一個以核實證據包。',
  'verify.status.VALID': '通過',
  'verify.status.INVALID': '未通過',
  'verify.status.SKIPPED': '未檢查',

  'share.title': '任何人都可核實的證據',
  'share.intro':
    '為承運人、銀行或其他海關建立此放行證據的連結。持有連結者毋須帳戶即可核實放行；連結只顯示公開事實，從不包括商業價值。你可隨時撤銷。',
  'share.make': '建立連結及放行單',
  'share.onlyOnce': '請立即列印或複製：連結只會顯示這一次。',
  'share.links': '你的連結',
  'share.none': '尚未建立連結。',
  'share.made': '建立於 {at}',
  'share.live': '有效',
  'share.revokedAt': '已於 {at} 撤銷',
  'share.revoke': '撤銷',
  'share.revokedNow': '連結已撤銷，現已無法開啟任何內容。',
  'share.download': '下載證據包',

  'slip.title': '放行單',
  'slip.declaration': '報關單',
  'slip.consignment': '貨物',
  'slip.jurisdiction': '海關',
  'slip.releasedBy': '放行機構',
  'slip.scan': '掃描以核實此放行（毋須帳戶）：',
  'slip.print': '列印放行單',
  'slip.qr': '核實連結的二維碼',
  'org.GDCustomsMSP': '廣東海關',
  'org.GDCIQMSP': '廣東出入境檢驗檢疫',
  'org.HKCustomsMSP': '香港海關',
  'org.GD': '廣東',
  'org.HK': '香港',
};

const zhCN: Record<EvidenceKey, string> = {
  'verify.title': '核实海关放行',
  'verify.intro':
    '核实粤港通关账本上放行或边境决定的证据。核实在你的浏览器内进行：无需账户，证据包不会发送到任何地方。',
  'verify.file': '证据包（.json 文件）',
  'verify.paste': '或粘贴证据包',
  'verify.check': '核实',
  'verify.checking': '核实中……',
  'verify.fromLink': '正在获取此链接分享的证据……',
  'verify.valid': '有效',
  'verify.tampered': '已被篡改',
  'verify.invalidByPeers': '无效：节点已将其标记为无效',
  'verify.otherNetwork': '无效：并非来自此通关网络',
  'verify.notAbout': '无效：涉及其他事项',
  'verify.invalid': '无效',
  'verify.revoked': '已撤销',
  'verify.revokedText': '分享此链接的人已将其撤销，链接不再显示任何内容。',
  'verify.unknownLink': '没有此链接',
  'verify.unknownLinkText': '此链接并非由本服务创建，或输入有误。',
  'verify.notJson': '这不是 JSON：请选择或粘贴你收到的证据包文件。',
  'verify.checks': '所有检查',
  'verify.took': '已在此浏览器内于 {ms} 毫秒完成核实。',
  'verify.trustRoot': '信任起点',
  'verify.trustRootServed': '通道 {channel} 的创世区块 {hash}，由本服务公布',
  'verify.trustRootPinned': '通道 {channel} 的创世区块 {hash}，由你固定',
  'verify.pin': '固定你自己的信任根（.json）',
  'verify.unpin': '移除你的信任根',
  'verify.badTrustRoot': '该文件不是信任根。',
  'verify.noTrustRoot': '尚无信任根：请固定一个以核实证据包。',
  'verify.status.VALID': '通过',
  'verify.status.INVALID': '未通过',
  'verify.status.SKIPPED': '未检查',

  'share.title': '任何人都可核实的证据',
  'share.intro':
    '为承运人、银行或其他海关创建此放行证据的链接。持有链接者无需账户即可核实放行；链接只显示公开事实，从不包括商业价值。你可随时撤销。',
  'share.make': '创建链接及放行单',
  'share.onlyOnce': '请立即打印或复制：链接只会显示这一次。',
  'share.links': '你的链接',
  'share.none': '尚未创建链接。',
  'share.made': '创建于 {at}',
  'share.live': '有效',
  'share.revokedAt': '已于 {at} 撤销',
  'share.revoke': '撤销',
  'share.revokedNow': '链接已撤销，现已无法打开任何内容。',
  'share.download': '下载证据包',

  'slip.title': '放行单',
  'slip.declaration': '报关单',
  'slip.consignment': '货物',
  'slip.jurisdiction': '海关',
  'slip.releasedBy': '放行机构',
  'slip.scan': '扫描以核实此放行（无需账户）：',
  'slip.print': '打印放行单',
  'slip.qr': '核实链接的二维码',
  'org.GDCustomsMSP': '广东海关',
  'org.GDCIQMSP': '广东出入境检验检疫',
  'org.HKCustomsMSP': '香港海关',
  'org.GD': '广东',
  'org.HK': '香港',
};

export const EVIDENCE_WORDS: Record<Locale, Record<EvidenceKey, string>> = {
  en,
  'zh-HK': zhHK,
  'zh-CN': zhCN,
};

export function evidenceText(
  locale: Locale,
  key: EvidenceKey,
  params: Record<string, string | number> = {},
): string {
  return EVIDENCE_WORDS[locale][key].replace(/\{(\w+)\}/g, (_, name: string) =>
    String(params[name] ?? `{${name}}`),
  );
}

/** An organisation's name by MSP id (the MSP id itself when the portal has none). */
export function organisationName(locale: Locale, mspId: string): string {
  const key = `org.${mspId}`;
  return isEvidenceKey(key) ? EVIDENCE_WORDS[locale][key] : mspId;
}

function isEvidenceKey(key: string): key is EvidenceKey {
  return Object.hasOwn(en, key);
}
