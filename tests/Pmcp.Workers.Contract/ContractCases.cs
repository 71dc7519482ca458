namespace Pmcp.Workers.Contract;

/// <summary>
/// Every case of the bindings contract, by name. The table is explicit (no discovery by reflection) so the trimmed
/// Worker keeps every case, and both runners — native xunit and the Worker's <c>POST /contract/{name}</c> — enumerate
/// the same list. A case passes when it completes and fails by throwing (<see cref="ContractFailure"/> for a wrong
/// behaviour); it uses names of its own, so it can run again, and alongside the others, on persistent storage.
/// </summary>
public static class ContractCases
{
    public static IReadOnlyDictionary<string, Func<Env, Task>> All { get; } = new Dictionary<string, Func<Env, Task>>(StringComparer.Ordinal)
    {
        ["kv.put_get_text"] = KvCases.PutGetText,
        ["kv.put_get_empty_value"] = KvCases.PutGetEmptyValue,
        ["kv.put_get_binary"] = KvCases.PutGetBinary,
        ["kv.put_get_json"] = KvCases.PutGetJson,
        ["kv.large_value"] = KvCases.LargeValue,
        ["kv.missing_key_is_null"] = KvCases.MissingKeyIsNull,
        ["kv.delete"] = KvCases.Delete,
        ["kv.get_with_metadata"] = KvCases.GetWithMetadata,
        ["kv.list_reports_metadata"] = KvCases.ListReportsMetadata,
        ["kv.metadata_too_large_throws"] = KvCases.MetadataTooLargeThrows,
        ["kv.expiration_ttl_in_list"] = KvCases.ExpirationTtlInList,
        ["kv.expiration_absolute_in_list"] = KvCases.ExpirationAbsoluteInList,
        ["kv.ttl_below_minimum_throws"] = KvCases.TtlBelowMinimumThrows,
        ["kv.key_too_long_throws"] = KvCases.KeyTooLongThrows,
        ["kv.key_invalid_throws"] = KvCases.KeyInvalidThrows,
        ["kv.list_prefix"] = KvCases.ListPrefix,
        ["kv.list_pages_with_cursor"] = KvCases.ListPagesWithCursor,
        ["kv.list_limit_out_of_range_throws"] = KvCases.ListLimitOutOfRangeThrows,

        ["d1.exec_multi_statement"] = D1Cases.ExecMultiStatement,
        ["d1.first_into_record"] = D1Cases.FirstIntoRecord,
        ["d1.first_value"] = D1Cases.FirstValue,
        ["d1.all_into_records"] = D1Cases.AllIntoRecords,
        ["d1.run_meta"] = D1Cases.RunMeta,
        ["d1.raw_rows"] = D1Cases.RawRows,
        ["d1.bind_types"] = D1Cases.BindTypes,
        ["d1.blob_as_byte_array"] = D1Cases.BlobAsByteArray,
        ["d1.bind_unsupported_type_throws"] = D1Cases.BindUnsupportedTypeThrows,
        ["d1.batch_results"] = D1Cases.BatchResults,
        ["d1.batch_atomic"] = D1Cases.BatchAtomic,
        ["d1.sql_error_no_such_table"] = D1Cases.SqlErrorNoSuchTable,
        ["d1.sql_error_constraint"] = D1Cases.SqlErrorConstraint,

        ["r2.put_get_with_metadata"] = R2Cases.PutGetWithMetadata,
        ["r2.put_overwrites"] = R2Cases.PutOverwrites,
        ["r2.head"] = R2Cases.Head,
        ["r2.missing_key_is_null"] = R2Cases.MissingKeyIsNull,
        ["r2.range_offset_length"] = R2Cases.RangeOffsetLength,
        ["r2.range_suffix"] = R2Cases.RangeSuffix,
        ["r2.binary_and_large"] = R2Cases.BinaryAndLarge,
        ["r2.delete"] = R2Cases.Delete,
        ["r2.list_prefix"] = R2Cases.ListPrefix,
        ["r2.list_delimiter"] = R2Cases.ListDelimiter,
        ["r2.list_pages_with_cursor"] = R2Cases.ListPagesWithCursor,
        ["r2.stream_large_in_chunks"] = R2Cases.StreamLargeInChunks,
        ["r2.range_as_stream"] = R2Cases.RangeAsStream,
        ["r2.put_stream_with_length"] = R2Cases.PutStreamWithLength,
        ["r2.put_stream_wrong_length_throws"] = R2Cases.PutStreamWrongLengthThrows,
        ["r2.body_read_once_and_after_dispose"] = R2Cases.BodyReadOnceAndAfterDispose,

        ["hyperdrive.connection_details"] = HyperdriveCases.ConnectionDetails,
        ["hyperdrive.query_into_records"] = HyperdriveCases.QueryIntoRecords,
        ["hyperdrive.query_first"] = HyperdriveCases.QueryFirst,
        ["hyperdrive.execute_rows_affected"] = HyperdriveCases.ExecuteRowsAffected,
        ["hyperdrive.nulls"] = HyperdriveCases.Nulls,
        ["hyperdrive.types_into_records"] = HyperdriveCases.TypesIntoRecords,
        ["hyperdrive.types_raw"] = HyperdriveCases.TypesRaw,
        ["hyperdrive.unicode_text"] = HyperdriveCases.UnicodeText,
        ["hyperdrive.bytea"] = HyperdriveCases.Bytea,
        ["hyperdrive.large_result"] = HyperdriveCases.LargeResult,
        ["hyperdrive.parameters_are_not_sql"] = HyperdriveCases.ParametersAreNotSql,
        ["hyperdrive.bind_unsupported_type_throws"] = HyperdriveCases.BindUnsupportedTypeThrows,
        ["hyperdrive.sql_error_sqlstate"] = HyperdriveCases.SqlErrorSqlState,
        ["hyperdrive.session_survives_an_error"] = HyperdriveCases.SessionSurvivesAnError,
        ["hyperdrive.session_across_timers"] = HyperdriveCases.SessionAcrossTimers,
        ["hyperdrive.transaction"] = HyperdriveCases.Transaction,
        ["hyperdrive.script"] = HyperdriveCases.Script,
        ["hyperdrive.md5_and_cleartext_auth"] = HyperdriveCases.Md5AndCleartextAuth,
        ["hyperdrive.wrong_password"] = HyperdriveCases.WrongPassword,
        ["hyperdrive.unreachable"] = HyperdriveCases.Unreachable,
        ["sockets.raw_socket"] = HyperdriveCases.RawSocket,

        ["crypto.platform_hashes"] = CryptoCases.PlatformHashes,
        ["crypto.platform_hmac"] = CryptoCases.PlatformHmac,
        ["crypto.platform_random"] = CryptoCases.PlatformRandom,
        ["crypto.platform_gaps_in_workerd"] = CryptoCases.PlatformGapsInWorkerd,
        ["crypto.digest"] = CryptoCases.Digest,
        ["crypto.hmac_rfc4231"] = CryptoCases.HmacRfc4231,
        ["crypto.aes_gcm_nist"] = CryptoCases.AesGcmNist,
        ["crypto.aes_cbc_sp800_38a"] = CryptoCases.AesCbcSp80038a,
        ["crypto.rsa_pkcs1_rfc7520"] = CryptoCases.RsaPkcs1Rfc7520,
        ["crypto.rsa_pss_rfc7520"] = CryptoCases.RsaPssRfc7520,
        ["crypto.rsa_oaep"] = CryptoCases.RsaOaep,
        ["crypto.ecdsa_p256_rfc7515"] = CryptoCases.EcdsaP256Rfc7515,
        ["crypto.ecdsa_p384_generated"] = CryptoCases.EcdsaP384Generated,
        ["crypto.ed25519_rfc8032"] = CryptoCases.Ed25519Rfc8032,
        ["crypto.hkdf_rfc5869"] = CryptoCases.HkdfRfc5869,
        ["crypto.pbkdf2_rfc6070"] = CryptoCases.Pbkdf2Rfc6070,
        ["crypto.jwt_from_jwk"] = CryptoCases.JwtFromJwk,
        ["crypto.key_rules"] = CryptoCases.KeyRules,
        ["crypto.bad_key_data"] = CryptoCases.BadKeyData,

        ["env.var"] = EnvCases.Var,
        ["env.var_missing_names_wrangler_toml"] = EnvCases.VarMissing,
        ["env.secret_missing_names_dev_vars"] = EnvCases.SecretMissing,
        ["env.kv_unbound_names_section"] = EnvCases.KvUnbound,
        ["env.d1_unbound_names_section"] = EnvCases.D1Unbound,
        ["env.r2_unbound_names_section"] = EnvCases.R2Unbound,
        ["env.hyperdrive_unbound_names_section"] = EnvCases.HyperdriveUnbound,
        ["env.binding_of_another_kind"] = EnvCases.BindingOfAnotherKind,
    };

    /// <summary>Runs one case; an unknown name is a <see cref="ContractFailure"/> too, so a runner reports it the same way.</summary>
    public static Task RunAsync(string name, Env env) =>
        All.TryGetValue(name, out var run) ? run(env) : throw new ContractFailure($"No contract case '{name}'. Known: {string.Join(", ", All.Keys)}.");
}
