/**
 * Plain words for a verification report, in English, Traditional Chinese (Hong Kong) and
 * Simplified Chinese: what a valid bundle attests ("Released by … at …"), or which check
 * failed and why. Organisation names come from the trust root (its publisher's wording);
 * without one, the MSP id is shown.
 */
import type { Facts, TrustRoot } from './bundle';
import type { CheckId, CheckResult, Language, Reason } from './report';
import type { VerificationReport } from './verify';

type Text = Record<Language, string>;

export const CHECK_TITLES: Record<CheckId, Text> = {
  'bundle.format': { en: 'bundle format', 'zh-HK': '證據包格式', 'zh-CN': '证据包格式' },
  'configuration.root': {
    en: 'trusted starting point (genesis block)',
    'zh-HK': '信任起點（創世區塊）',
    'zh-CN': '信任起点（创世区块）',
  },
  'configuration.chain': {
    en: 'chain of channel configurations',
    'zh-HK': '通道配置鏈',
    'zh-CN': '通道配置链',
  },
  'configuration.signatures': {
    en: 'ordering service signatures on configurations',
    'zh-HK': '排序服務對配置的簽名',
    'zh-CN': '排序服务对配置的签名',
  },
  'configuration.updates': {
    en: 'approval of configuration changes',
    'zh-HK': '配置變更的批准',
    'zh-CN': '配置变更的批准',
  },
  'block.data-hash': {
    en: 'block contents hash',
    'zh-HK': '區塊內容雜湊',
    'zh-CN': '区块内容哈希',
  },
  'block.orderer-signatures': {
    en: 'ordering service signatures on the block',
    'zh-HK': '排序服務對區塊的簽名',
    'zh-CN': '排序服务对区块的签名',
  },
  'transaction.in-block': {
    en: 'transaction in its block',
    'zh-HK': '交易在區塊內',
    'zh-CN': '交易在区块内',
  },
  'transaction.creator': {
    en: 'submitter signature',
    'zh-HK': '提交者簽名',
    'zh-CN': '提交者签名',
  },
  'transaction.proposal-hash': {
    en: 'request matches what was endorsed',
    'zh-HK': '請求與背書內容一致',
    'zh-CN': '请求与背书内容一致',
  },
  'transaction.endorsements': {
    en: 'endorsement signatures and certificates',
    'zh-HK': '背書簽名及證書',
    'zh-CN': '背书签名及证书',
  },
  'transaction.endorsement-policy': {
    en: 'endorsement policy',
    'zh-HK': '背書策略',
    'zh-CN': '背书策略',
  },
  'transaction.validity': {
    en: 'validation recorded by the peers',
    'zh-HK': '節點記錄的驗證結果',
    'zh-CN': '节点记录的验证结果',
  },
  facts: { en: 'stated facts', 'zh-HK': '所述事實', 'zh-CN': '所述事实' },
};

const t = (en: string, hk: string, cn: string): Text => ({ en, 'zh-HK': hk, 'zh-CN': cn });

export const REASON_TEXTS: Record<Reason, Text> = {
  BUNDLE_MALFORMED: t('the file is not an evidence bundle', '檔案不是證據包', '文件不是证据包'),
  UNSUPPORTED_VERSION: t(
    'this bundle version is not supported',
    '不支援此證據包版本',
    '不支持此证据包版本',
  ),
  TRUST_ROOT_MALFORMED: t('the trust root is not readable', '信任根無法讀取', '信任根无法读取'),
  PREREQUISITE_FAILED: t(
    'not checked: an earlier check failed',
    '未檢查：較早的檢查失敗',
    '未检查：较早的检查失败',
  ),
  ROOT_MISMATCH: t(
    'it does not start from the pinned genesis block (another network or a forged chain)',
    '並非始於所信任的創世區塊（另一網絡或偽造鏈）',
    '并非始于所信任的创世区块（另一网络或伪造链）',
  ),
  CHANNEL_MISMATCH: t('it belongs to another channel', '屬於另一通道', '属于另一通道'),
  NOT_A_CONFIG_BLOCK: t('a configuration block is not one', '配置區塊無效', '配置区块无效'),
  CONFIG_SEQUENCE_GAP: t(
    'configurations are missing or out of order',
    '配置缺失或次序錯誤',
    '配置缺失或顺序错误',
  ),
  CONFIG_NOT_IN_BUNDLE: t(
    'the configuration in force is missing',
    '缺少當時生效的配置',
    '缺少当时生效的配置',
  ),
  UPDATE_MALFORMED: t(
    'a configuration change is unreadable',
    '配置變更無法讀取',
    '配置变更无法读取',
  ),
  UPDATE_WRONG_CHANNEL: t(
    'a configuration change names another channel',
    '配置變更屬於另一通道',
    '配置变更属于另一通道',
  ),
  UPDATE_STALE_READ: t(
    'a configuration change was made on an older configuration',
    '配置變更基於舊配置',
    '配置变更基于旧配置',
  ),
  UPDATE_BAD_VERSION: t(
    'a configuration change has wrong versions',
    '配置變更版本錯誤',
    '配置变更版本错误',
  ),
  UPDATE_NOT_AUTHORISED: t(
    'a configuration change lacks the signatures its policy requires',
    '配置變更缺少所需簽名',
    '配置变更缺少所需签名',
  ),
  UPDATE_RESULT_DIFFERS: t(
    'a configuration differs from what its change produces',
    '配置與其變更結果不符',
    '配置与其变更结果不符',
  ),
  UPDATE_EMPTY: t(
    'a configuration change changes nothing',
    '配置變更無任何改動',
    '配置变更无任何改动',
  ),
  BLOCK_MALFORMED: t('a block is unreadable', '區塊無法讀取', '区块无法读取'),
  DATA_HASH_MISMATCH: t(
    'a block\u2019s contents were changed',
    '區塊內容已被更改',
    '区块内容已被更改',
  ),
  NOT_SIGNED: t(
    'a block is not signed by the ordering service',
    '區塊未經排序服務簽名',
    '区块未经排序服务签名',
  ),
  ORDERER_SIGNATURE_INVALID: t(
    'an ordering service signature is invalid',
    '排序服務簽名無效',
    '排序服务签名无效',
  ),
  ORDERER_NOT_IN_MSP: t(
    'a block was signed by an identity the configuration does not know',
    '區塊簽名者不在配置之內',
    '区块签名者不在配置之内',
  ),
  BLOCK_POLICY_NOT_SATISFIED: t(
    'the block signatures do not meet the block validation policy',
    '區塊簽名未符合區塊驗證策略',
    '区块签名未符合区块验证策略',
  ),
  TX_NOT_IN_BLOCK: t(
    'the transaction is not where the bundle says',
    '交易不在所述位置',
    '交易不在所述位置',
  ),
  TX_MALFORMED: t('the transaction is unreadable', '交易無法讀取', '交易无法读取'),
  NOT_AN_ENDORSER_TRANSACTION: t(
    'it is not a chaincode transaction',
    '並非鏈碼交易',
    '并非链码交易',
  ),
  TX_ID_MISMATCH: t(
    'the transaction id does not match its contents',
    '交易編號與內容不符',
    '交易编号与内容不符',
  ),
  CREATOR_NOT_IN_MSP: t(
    'the submitter\u2019s certificate was not issued by an organisation of the channel at that time',
    '提交者證書並非由當時通道內機構簽發',
    '提交者证书并非由当时通道内机构签发',
  ),
  CREATOR_SIGNATURE_INVALID: t(
    'the submitter\u2019s signature is invalid',
    '提交者簽名無效',
    '提交者签名无效',
  ),
  CERT_NOT_VALID_AT_TIME: t(
    'a certificate was not valid at the transaction time',
    '證書於交易時間無效',
    '证书于交易时间无效',
  ),
  HIGH_S_SIGNATURE: t(
    'a signature is not in Fabric\u2019s canonical form',
    '簽名格式不合規範',
    '签名格式不合规范',
  ),
  PROPOSAL_HASH_MISMATCH: t(
    'the request does not match what was endorsed',
    '請求與背書內容不符',
    '请求与背书内容不符',
  ),
  NO_ENDORSEMENTS: t('the transaction has no endorsement', '交易沒有背書', '交易没有背书'),
  ENDORSEMENT_SIGNATURE_INVALID: t(
    'an endorsement signature is invalid',
    '背書簽名無效',
    '背书签名无效',
  ),
  ENDORSER_NOT_IN_MSP: t(
    'an endorser\u2019s certificate was not issued by an organisation of the channel at that time',
    '背書者證書並非由當時通道內機構簽發',
    '背书者证书并非由当时通道内机构签发',
  ),
  INVALID_CHAINCODE: t('the chaincode named is inconsistent', '鏈碼資料不一致', '链码资料不一致'),
  POLICY_SOURCE_MISSING: t(
    'the chaincode definition in force is missing',
    '缺少當時生效的鏈碼定義',
    '缺少当时生效的链码定义',
  ),
  POLICY_SOURCE_INVALID: t(
    'a policy in force is unreadable',
    '生效策略無法讀取',
    '生效策略无法读取',
  ),
  UNSUPPORTED_VALIDATION_PLUGIN: t(
    'the chaincode uses a validation plug-in this verifier does not know',
    '鏈碼使用未知的驗證插件',
    '链码使用未知的验证插件',
  ),
  UNKNOWN_COLLECTION: t(
    'it writes to an unknown private data collection',
    '寫入未知的私有資料集',
    '写入未知的私有数据集',
  ),
  POLICY_NOT_SATISFIED: t(
    'the organisations that endorsed it do not satisfy the policy in force',
    '背書機構未符合當時生效的策略',
    '背书机构未符合当时生效的策略',
  ),
  NO_ATTESTATION: t(
    'no statement of its validation was given',
    '沒有驗證結果聲明',
    '没有验证结果声明',
  ),
  ATTESTATION_SIGNATURE_INVALID: t(
    'a statement of validation has an invalid signature',
    '驗證結果聲明的簽名無效',
    '验证结果声明的签名无效',
  ),
  ATTESTER_NOT_IN_MSP: t(
    'a statement of validation is signed by an identity the configuration does not know',
    '驗證結果聲明的簽名者不在配置之內',
    '验证结果声明的签名者不在配置之内',
  ),
  ATTESTATION_MISMATCH: t(
    'a statement of validation names another block or channel',
    '驗證結果聲明指向另一區塊或通道',
    '验证结果声明指向另一区块或通道',
  ),
  ATTESTATIONS_DISAGREE: t(
    'the statements of validation disagree',
    '驗證結果聲明互相矛盾',
    '验证结果声明互相矛盾',
  ),
  ATTESTATION_POLICY_NOT_SATISFIED: t(
    'the statements of validation are not from the organisations the trust root requires',
    '驗證結果聲明並非來自信任根要求的機構',
    '验证结果声明并非来自信任根要求的机构',
  ),
  TX_INVALID: t(
    'the peers marked the transaction invalid: it changed nothing',
    '節點已將交易標記為無效：交易未生效',
    '节点已将交易标记为无效：交易未生效',
  ),
  FACTS_MISMATCH: t(
    'the stated facts are not what the ledger recorded',
    '所述事實與賬本記錄不符',
    '所述事实与账本记录不符',
  ),
  CLAIMS_NOT_ATTESTED: t(
    'the bundle\u2019s facts, transactions or sources are not those the organisations signed',
    '證據包的事實、交易或來源並非各機構所簽署者',
    '证据包的事实、交易或来源并非各机构所签署者',
  ),
  NOT_A_RELEASE: t('the transaction is not a release', '交易並非放行', '交易并非放行'),
  NOT_A_CROSSING: t(
    'the transaction is not a crossing decision',
    '交易並非過境決定',
    '交易并非过境决定',
  ),
  OTHER_DECLARATION: t('it is about another declaration', '涉及另一份報關單', '涉及另一份报关单'),
  OTHER_CROSSING: t('it is about another crossing', '涉及另一次過境', '涉及另一次过境'),
};

const JOIN: Record<Language, { and: string; sep: string; at: string }> = {
  en: { and: ' and ', sep: ', ', at: ' at ' },
  'zh-HK': { and: '及', sep: '，', at: '於' },
  'zh-CN': { and: '及', sep: '，', at: '于' },
};

/** UTC time as YYYY-MM-DD HH:MM:SS UTC (the same in every language). */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

function nameOf(mspId: string, language: Language, names: TrustRoot['organisations']): string {
  return names?.[mspId]?.[language] ?? mspId;
}

function factsSentence(
  facts: Facts,
  language: Language,
  names: TrustRoot['organisations'],
): string {
  const j = JOIN[language];
  const org = (m: string) => nameOf(m, language, names);
  if (facts.kind === 'release') {
    const parts = facts.declarations.map((d) => {
      const acts = d.releases.map((r) =>
        language === 'en'
          ? `${org(r.agency)} at ${when(r.at)}`
          : `${org(r.agency)}${j.at}${when(r.at)}`,
      );
      const by = acts.join(language === 'en' ? ' and by ' : '，及由');
      const done = d.state === 'RELEASED';
      if (language === 'en')
        return `by ${by} (declaration ${d.declarationId}${done ? '' : ', not yet released by every agency'})`;
      const tail =
        language === 'zh-HK'
          ? done
            ? ''
            : '，尚未獲所有機構放行'
          : done
            ? ''
            : '，尚未获所有机构放行';
      return language === 'zh-HK'
        ? `由${by}（報關單 ${d.declarationId}${tail}）`
        : `由${by}（报关单 ${d.declarationId}${tail}）`;
    });
    if (language === 'en')
      return `Released ${parts.join(', and ')}; consignment ${facts.consignmentRef}.`;
    if (language === 'zh-HK')
      return `已放行：${parts.join('，及')}；貨物 ${facts.consignmentRef}。`;
    return `已放行：${parts.join('，及')}；货物 ${facts.consignmentRef}。`;
  }
  if (facts.kind === 'crossing') {
    const decls = facts.declarationIds.join(', ');
    const outcome = facts.outcome
      ? language === 'en'
        ? ` Inspection: ${facts.outcome.status} by ${org(facts.outcome.by)} at ${when(facts.outcome.at)}.`
        : language === 'zh-HK'
          ? ` 查驗結果：${facts.outcome.status}（${org(facts.outcome.by)}，${when(facts.outcome.at)}）。`
          : ` 查验结果：${facts.outcome.status}（${org(facts.outcome.by)}，${when(facts.outcome.at)}）。`
      : '';
    if (language === 'en')
      return `${facts.decision} at ${facts.controlPoint} (${facts.direction}) for seal ${facts.sealId}, decided by ${org(facts.decidedBy)} at ${when(facts.decidedAt)}; declarations ${decls}${facts.reasons.length ? `; reasons ${facts.reasons.join(', ')}` : ''}.${outcome}`;
    if (language === 'zh-HK')
      return `${facts.controlPoint}（${facts.direction}）封條 ${facts.sealId}：${facts.decision}，由${org(facts.decidedBy)}於${when(facts.decidedAt)}決定；報關單 ${decls}${facts.reasons.length ? `；原因 ${facts.reasons.join(', ')}` : ''}。${outcome}`;
    return `${facts.controlPoint}（${facts.direction}）封条 ${facts.sealId}：${facts.decision}，由${org(facts.decidedBy)}于${when(facts.decidedAt)}决定；报关单 ${decls}${facts.reasons.length ? `；原因 ${facts.reasons.join(', ')}` : ''}。${outcome}`;
  }
  if (language === 'en')
    return `Transaction ${facts.transactionId} (${facts.function}) by ${org(facts.submittedBy)} at ${when(facts.at)} is valid.`;
  if (language === 'zh-HK')
    return `交易 ${facts.transactionId}（${facts.function}）由${org(facts.submittedBy)}於${when(facts.at)}提交，有效。`;
  return `交易 ${facts.transactionId}（${facts.function}）由${org(facts.submittedBy)}于${when(facts.at)}提交，有效。`;
}

function failureSentence(failed: CheckResult, language: Language): string {
  const title = CHECK_TITLES[failed.check][language];
  const reason = failed.reason ? REASON_TEXTS[failed.reason][language] : '';
  if (language === 'en')
    return `Not valid. Failed check: ${title} — ${reason} (${failed.reason}, ${failed.target}).`;
  if (language === 'zh-HK')
    return `無效。未通過的檢查：${title}——${reason}（${failed.reason}，${failed.target}）。`;
  return `无效。未通过的检查：${title}——${reason}（${failed.reason}，${failed.target}）。`;
}

/** The report in plain words: the facts when valid, else the first check that failed. */
export function verdict(report: VerificationReport, language: Language): string {
  if (report.valid && report.facts)
    return factsSentence(report.facts, language, report.trustRoot?.organisations);
  const failed = report.failed ?? report.checks.find((c) => c.status !== 'VALID');
  if (!failed)
    return failureSentence(
      { check: 'bundle.format', target: 'bundle', status: 'INVALID', reason: 'BUNDLE_MALFORMED' },
      language,
    );
  return failureSentence(failed, language);
}
