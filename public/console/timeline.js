// A tip's timeline in plain Vietnamese sentences. Unknown event types are shown generically.

const RULES = {
  pin: 'theo vị trí người báo tin gửi',
  typed_commune: 'theo xã, phường người báo tin chọn',
  place_guess: 'đoán từ địa điểm người báo tin gõ',
  no_location: 'không có nơi xảy ra: giao trực ban tỉnh',
  pin_outside: 'vị trí ngoài địa bàn tỉnh: giao trực ban tỉnh',
  place_unmatched: 'nơi xảy ra không khớp xã, phường nào: giao trực ban tỉnh',
  uncovered_commune: 'chưa có đơn vị phụ trách xã, phường này: giao trực ban tỉnh',
  no_unit: 'chưa có đơn vị trực ban',
  manual: 'do cán bộ chuyển',
  category: 'theo loại tin',
  language: 'theo ngôn ngữ của người báo tin',
  urgent: 'tin khẩn: thêm trực ban tỉnh',
};

export function ruleText(rule) {
  return RULES[rule] ?? rule ?? '';
}

const str = (v) => (v == null ? '' : typeof v === 'object' ? (v.displayName ?? v.name ?? v.unitName ?? v.reference ?? v.label ?? '') : String(v));

/** The report's steps a resident may answer by a voice message (src/conversation/flows/report.ts), as officers read them. */
const SPOKEN_STEPS = {
  category: 'loại việc',
  description: 'nội dung',
  facts: 'xác nhận điều bot hiểu',
  fix: 'điều cần sửa',
  evidence: 'tệp gửi kèm',
  location: 'nơi xảy ra',
  commune: 'xác nhận xã, phường',
  when: 'thời gian',
  identity: 'giữ kín tên hay không',
  name: 'họ tên',
  phone: 'số điện thoại',
  confirm: 'lời thêm khi gửi',
};

/** Steps about who the reporter is: their clips are not with the evidence, they open with the audited reveal. */
const IDENTITY_STEPS = new Set(['identity', 'name', 'phone']);

/**
 * " Trả lời bằng tin nhắn thoại (nghe trong tệp gửi kèm): loại việc, nơi xảy ra." and, for the identity steps,
 * " Đọc họ tên, số điện thoại bằng tin nhắn thoại (nghe bằng nút «Xem danh tính người báo tin»)." or nothing.
 */
function spokenAnswers(answers) {
  if (!Array.isArray(answers) || answers.length === 0) return '';
  const named = (list) => [...new Set(list.map((a) => SPOKEN_STEPS[a?.step]).filter(Boolean))];
  const evidence = named(answers.filter((a) => !IDENTITY_STEPS.has(a?.step)));
  const identity = named(answers.filter((a) => IDENTITY_STEPS.has(a?.step)));
  return (evidence.length ? ` Trả lời bằng tin nhắn thoại (nghe trong tệp gửi kèm): ${evidence.join(', ')}.` : '')
    + (identity.length ? ` Đọc ${identity.join(', ')} bằng tin nhắn thoại (nghe bằng nút «Xem danh tính người báo tin»).` : '');
}

/** Who did it, in words. */
export function actorOf(ev) {
  const d = ev.data ?? {};
  if (ev.actor === 'system') return 'Hệ thống';
  if (ev.actor === 'resident' || ev.actor === 'reporter') return 'Người báo tin';
  return str(d.by ?? d.officerName ?? d.actorName) || 'Cán bộ';
}

/** One sentence for an event; `label(kind, value)` turns codes into labels. */
export function describeEvent(ev, label) {
  const d = ev.data ?? {};
  const who = actorOf(ev);
  const reason = d.reason ? ` Lý do: ${d.reason}` : '';
  switch (ev.type) {
    case 'created':
      return `Tiếp nhận tin báo qua ${label('channels', d.channel) || 'kênh trực tuyến'}.${spokenAnswers(d.voiceAnswers)}`;
    case 'routed': {
      const support = Array.isArray(d.support) && d.support.length ? ` Thêm: ${d.support.map((s) => str(s.unitName) || s.unitId).join(', ')}.` : '';
      const unit = str(d.unitName) || d.unitId;
      return `${unit ? `Giao cho ${unit}` : 'Chưa giao được cho đơn vị nào'}${d.rule ? ` (${ruleText(d.rule)})` : ''}.${d.communeName ? ` Nơi xảy ra: ${d.communeName}.` : ''}${d.needsConfirmation ? ' Cần cán bộ xác nhận nơi xảy ra.' : ''}${support}`;
    }
    case 'rerouted': {
      const from = str(d.from?.unitName ?? d.from);
      const to = str(d.to?.unitName ?? d.to);
      const commune = d.communeName ? ` Xác nhận nơi xảy ra: ${d.communeName}.` : '';
      const move = from && to && from !== to ? `${who} chuyển tin từ ${from} sang ${to}.` : to ? `${who} giao tin cho ${to}.` : `${who} chuyển tin.`;
      return `${move}${commune}${reason}`;
    }
    case 'claimed':
      return `${who} nhận xử lý tin báo.${d.to && d.from && d.to !== d.from ? ` Trạng thái: «${label('statuses', d.to)}».` : ''}`;
    case 'assigned': {
      const to = str(d.officerName ?? d.to ?? d.assignee ?? d.officer);
      return `${who} giao tin cho ${to || 'cán bộ khác'}.${reason}`;
    }
    case 'unassigned':
      return `${who} bỏ giao tin.${reason}`;
    case 'status_changed': {
      const from = d.from ? label('statuses', d.from) : '';
      const to = label('statuses', d.to ?? d.status);
      const outcome = d.outcome ? ` Kết quả giải quyết: ${label('outcomes', d.outcome)}.` : '';
      const shared = d.shareWithReporter || d.shared ? ' Đã báo cho người báo tin.' : '';
      return `${who} chuyển trạng thái${from ? ` từ «${from}»` : ''} sang «${to}».${outcome}${reason}${shared}`;
    }
    case 'merged': {
      const target = str(d.originalReference ?? d.duplicateOf?.reference ?? d.duplicateOfReference ?? d.reference ?? d.duplicateOf);
      return `${who} gộp tin này vào tin ${target || 'khác'} (trùng tin).${reason}`;
    }
    case 'merged_into':
    case 'duplicate_added': {
      const other = str(d.reference ?? d.duplicateReference ?? d.from);
      return `Tin ${other || 'khác'} được gộp vào tin này (trùng tin).`;
    }
    case 'deadline_extended': {
      const until = d.settleDueAt ?? d.newDueAt ?? d.to;
      const nth = d.extension ? ` (lần ${d.extension})` : '';
      return `${who} gia hạn giải quyết thêm ${d.days ?? '?'} ngày${nth}${until ? `, đến ${fmt(until)}` : ''}.${reason}`;
    }
    case 'reporter_message':
      return `Người báo tin gửi tin nhắn${d.attachment ? ' kèm tệp' : ''}.`;
    case 'officer_message':
      return `${who} nhắn cho người báo tin.`;
    case 'note_added':
      return `${who} thêm ghi chú nội bộ.`;
    case 'identity_revealed':
      return `${who} xem danh tính người báo tin (đã ghi nhật ký).`;
    case 'reporter_reopened':
      return `Người báo tin mở lại trao đổi về tin này${d.channel ? ` qua ${label('channels', d.channel)}` : ''}.`;
    case 'message_resent':
      return `Hệ thống gửi lại một tin nhắn cho người báo tin${d.channel ? ` qua ${label('channels', d.channel)}` : ''} (máy chủ dừng đột ngột lúc đang gửi; người báo tin có thể nhận hai lần).`;
    case 'followup_locked':
      return `Có người nhập sai mã bí mật của tin này ${d.failures ?? 'nhiều'} lần: tạm khóa tra cứu bằng mã trong ${d.minutes ?? '?'} phút. Người báo tin vẫn mở được tin từ đúng cuộc trò chuyện đã gửi tin.`;
    case 'acknowledged':
      return `${who} xác nhận đã tiếp nhận tin.`;
    case 'reporter_notified':
    case 'status_shared':
      return 'Đã báo kết quả cho người báo tin.';
    default:
      return `${who} cập nhật tin báo.${reason}`; // a new kind of event: never its code
  }
}

let fmt = (iso) => iso;
export function useDateFormat(f) {
  fmt = f;
}
