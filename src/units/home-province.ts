/**
 * The province this service takes tips for. Routing, typed-name matching and the demo set are
 * about this province only (a resident typing "Ba Đình" must not land in Hà Nội); the
 * administrative-unit data may hold all 34 provinces.
 */
export const HOME_PROVINCE = { code: "51", fullName: "Tỉnh Quảng Ngãi" } as const;
