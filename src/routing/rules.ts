/**
 * Why a tip is with a unit: one closed list, recorded on the tip (`routeRule`), on each
 * TipRouting row and in the "routed" timeline event. The Vietnamese text is what the console shows.
 */
export const ROUTE_RULES = {
  pin: "Vị trí người báo tin gửi nằm trong địa bàn xã, phường (người báo đã xác nhận)",
  typed_commune: "Người báo tin gõ tên xã, phường và đã xác nhận",
  place_guess: "Đoán từ nơi xảy ra người báo tin gõ: cán bộ cần xác nhận",
  place_unmatched: "Nơi xảy ra không khớp xã, phường nào: trực ban tỉnh xem",
  pin_outside: "Vị trí gửi nằm ngoài tỉnh hoặc chưa có ranh giới xã, phường: trực ban tỉnh xem",
  no_location: "Người báo tin không cho biết nơi xảy ra: trực ban tỉnh",
  uncovered_commune: "Chưa có đơn vị nào phụ trách xã, phường này: trực ban tỉnh",
  no_unit: "Chưa có đơn vị trực ban nào: chỉ cấp tỉnh xem được",
  category: "Loại tin do đơn vị chuyên trách tiếp nhận",
  language: "Tin bằng tiếng dân tộc: thêm đơn vị có cán bộ biết tiếng",
  urgent: "Tin khẩn: báo cả trực ban tỉnh",
  manual: "Cán bộ chuyển đơn vị",
} as const;

export type RouteRule = keyof typeof ROUTE_RULES;
export const ROUTE_RULE_NAMES = Object.keys(ROUTE_RULES) as [RouteRule, ...RouteRule[]];
