namespace ApiGuard.Inspection.Rules;

/// <summary>Every rule of the inspector: its stable id, family, score and lowest paranoia level.</summary>
internal enum RuleKey
{
    // Encoding anomalies (920xxx)
    EncodingInvalidUtf8,
    EncodingOverlongUtf8,
    EncodingNul,
    EncodingExcessiveLayers,
    EncodingDoubleUrl,
    FieldTypeViolation,
    EngineFault,

    // CRLF (921100) and LDAP (921200)
    CrlfHeaderInjection,
    CrlfInHeaderValue,
    CrlfGenericHeaderLine,
    CrlfLogForging,
    LdapFilterBreakout,
    LdapOperatorGroup,

    // LFI (930xxx)
    LfiTraversal,
    LfiTraversalShort,
    LfiSensitiveFile,
    LfiRestrictedDotFile,
    LfiGlobbedSensitivePath,

    // RFI (931xxx)
    RfiIpHost,
    RfiTrailingQuestionMark,
    RfiSchemeQuestionMark,
    RfiWebShellName,

    // Command injection (932xxx)
    CmdiSeparatorCommand,
    CmdiSeparatorWeakCommand,
    CmdiSubstitution,
    CmdiIfs,
    CmdiLeadingCommand,
    CmdiWindowsFor,
    CmdiWindowsIf,
    CmdiPowerShell,
    CmdiShellshock,
    CmdiBraceExpansion,
    CmdiAlias,
    CmdiHistoryExpansion,
    CmdiTildeExpansion,
    CmdiBinaryPath,
    CmdiWindowsCmd,

    // Code injection (933xxx PHP, 934xxx Node/Ruby, 944xxx Java)
    CodePhpOpenTag,
    CodePhpFunctionCall,
    CodePhpVariableCall,
    CodePhpSuperglobal,
    CodePhpWrapper,
    CodePhpSerialized,
    CodePhpVariableVariable,
    CodeScriptFileName,
    CodePhpSessionFile,
    CodePhpIniDirective,
    CodeNodeInjection,
    CodePrototypePollution,
    CodeJavaClass,
    CodeJavaGadget,
    CodeJsLoop,
    CodeDataScheme,
    CodePhpBbTag,
    CodeUnsafeDeserialization,
    CodePythonInjection,
    CodeDotNetInjection,
    CodeServerSideInclude,
    CodeSearchEngineScript,
    CodeFormulaInjection,

    // SSRF (934110) and SSTI (934200)
    SsrfMetadataHost,
    SsrfLoopbackHost,
    SsrfPrivateHost,
    SsrfEncodedIp,
    SsrfDangerousScheme,
    SsrfOutOfBandHost,
    SsrfConfusedAuthority,
    SstiExpression,
    SstiLog4Shell,

    // XSS (941xxx)
    XssScriptTag,
    XssEventHandler,
    XssScriptUri,
    XssCssExpression,
    XssDangerousTag,
    XssAttributeBreakout,
    XssJsSinkCall,
    XssUtf7,
    XssInertTag,

    // SQLi (942xxx)
    SqliUnionSelect,
    SqliStackedQuery,
    SqliQuotedBreakout,
    SqliNumericBreakout,
    SqliTautology,
    SqliSelectStatement,
    SqliFunction,
    SqliCatalogName,
    SqliVersionedComment,
    SqliFileAccess,
    SqliTimeDelay,
    SqliSystemVariable,
    SqliBreakoutComment,
    SqliWeakFunction,
    SqliWeakBreakout,
    XpathInjection,

    // NoSQL (945xxx), XXE (946xxx)
    NosqlOperator,
    NosqlOperatorInValue,
    XxeDoctype,
    XxeEntity,

    Count,
}

/// <summary>The static rule table.</summary>
internal static class RuleCatalog
{
    /// <summary>CRS severities.</summary>
    public const int Critical = 5;

    /// <summary>CRS severity "error".</summary>
    public const int Error = 4;

    /// <summary>CRS severity "warning".</summary>
    public const int Warning = 3;

    /// <summary>CRS severity "notice".</summary>
    public const int Notice = 2;

    private static readonly RuleInfo[] s_rules = Build();

    /// <summary>Looks up a rule.</summary>
    public static ref readonly RuleInfo Get(RuleKey key) => ref s_rules[(int)key];

    /// <summary>Every rule, in key order.</summary>
    public static ReadOnlySpan<RuleInfo> All => s_rules;

    private static RuleInfo[] Build()
    {
        var r = new RuleInfo[(int)RuleKey.Count];
        void Set(RuleKey k, int id, InspectionCategory c, int score, int pl) => r[(int)k] = new RuleInfo(id, c, score, pl);

        Set(RuleKey.EncodingInvalidUtf8, 920100, InspectionCategory.Encoding, Warning, 1);
        Set(RuleKey.EncodingOverlongUtf8, 920110, InspectionCategory.Encoding, Critical, 1);
        Set(RuleKey.EncodingNul, 920120, InspectionCategory.Encoding, Warning, 1);
        Set(RuleKey.EncodingExcessiveLayers, 920130, InspectionCategory.Encoding, Critical, 1);
        Set(RuleKey.EncodingDoubleUrl, 920140, InspectionCategory.Encoding, Critical, 2);
        Set(RuleKey.FieldTypeViolation, 920200, InspectionCategory.Encoding, Critical, 1);
        Set(RuleKey.EngineFault, 920900, InspectionCategory.Encoding, Critical, 1);

        Set(RuleKey.CrlfHeaderInjection, 921100, InspectionCategory.Crlf, Critical, 1);
        Set(RuleKey.CrlfInHeaderValue, 921110, InspectionCategory.Crlf, Critical, 1);
        Set(RuleKey.CrlfGenericHeaderLine, 921120, InspectionCategory.Crlf, Critical, 2);
        Set(RuleKey.CrlfLogForging, 921130, InspectionCategory.Crlf, Critical, 1);
        Set(RuleKey.LdapFilterBreakout, 921200, InspectionCategory.Ldapi, Critical, 1);
        Set(RuleKey.LdapOperatorGroup, 921210, InspectionCategory.Ldapi, Critical, 2);

        Set(RuleKey.LfiTraversal, 930100, InspectionCategory.Lfi, Critical, 1);
        Set(RuleKey.LfiTraversalShort, 930110, InspectionCategory.Lfi, Critical, 2);
        Set(RuleKey.LfiSensitiveFile, 930120, InspectionCategory.Lfi, Critical, 1);
        Set(RuleKey.LfiRestrictedDotFile, 930130, InspectionCategory.Lfi, Critical, 1);
        Set(RuleKey.LfiGlobbedSensitivePath, 930140, InspectionCategory.Lfi, Critical, 1);

        Set(RuleKey.RfiIpHost, 931100, InspectionCategory.Rfi, Critical, 1);
        Set(RuleKey.RfiTrailingQuestionMark, 931110, InspectionCategory.Rfi, Critical, 1);
        Set(RuleKey.RfiSchemeQuestionMark, 931120, InspectionCategory.Rfi, Critical, 1);
        Set(RuleKey.RfiWebShellName, 931140, InspectionCategory.Rfi, Critical, 1);

        Set(RuleKey.CmdiSeparatorCommand, 932100, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiSeparatorWeakCommand, 932105, InspectionCategory.Cmdi, Critical, 2);
        Set(RuleKey.CmdiSubstitution, 932110, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiIfs, 932115, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiLeadingCommand, 932120, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiWindowsFor, 932140, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiWindowsIf, 932145, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiPowerShell, 932150, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiShellshock, 932170, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiBraceExpansion, 932180, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiAlias, 932185, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiHistoryExpansion, 932190, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiTildeExpansion, 932195, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiBinaryPath, 932160, InspectionCategory.Cmdi, Critical, 1);
        Set(RuleKey.CmdiWindowsCmd, 932155, InspectionCategory.Cmdi, Critical, 1);

        Set(RuleKey.CodePhpOpenTag, 933100, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpFunctionCall, 933150, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpVariableCall, 933180, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpSuperglobal, 933130, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpWrapper, 933200, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpSerialized, 933170, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpVariableVariable, 933135, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeScriptFileName, 933110, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpSessionFile, 933220, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpIniDirective, 933120, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeNodeInjection, 934100, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePrototypePollution, 934130, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeJavaClass, 944130, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeJavaGadget, 944120, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeJsLoop, 934160, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeDataScheme, 934170, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePhpBbTag, 933105, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeUnsafeDeserialization, 944210, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodePythonInjection, 934180, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeDotNetInjection, 934210, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeServerSideInclude, 934220, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeSearchEngineScript, 934230, InspectionCategory.Code, Critical, 1);
        Set(RuleKey.CodeFormulaInjection, 934190, InspectionCategory.Code, Critical, 1);

        Set(RuleKey.SsrfMetadataHost, 934110, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SsrfLoopbackHost, 934120, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SsrfPrivateHost, 934125, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SsrfEncodedIp, 934115, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SsrfDangerousScheme, 934140, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SsrfOutOfBandHost, 934150, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SsrfConfusedAuthority, 934135, InspectionCategory.Ssrf, Critical, 1);
        Set(RuleKey.SstiExpression, 934200, InspectionCategory.Ssti, Critical, 1);
        Set(RuleKey.SstiLog4Shell, 944150, InspectionCategory.Ssti, Critical, 1);

        Set(RuleKey.XssScriptTag, 941110, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssEventHandler, 941120, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssScriptUri, 941170, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssCssExpression, 941140, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssDangerousTag, 941160, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssAttributeBreakout, 941130, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssJsSinkCall, 941180, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssUtf7, 941190, InspectionCategory.Xss, Critical, 1);
        Set(RuleKey.XssInertTag, 941300, InspectionCategory.Xss, Critical, 3);

        Set(RuleKey.SqliUnionSelect, 942100, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliStackedQuery, 942110, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliQuotedBreakout, 942120, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliNumericBreakout, 942130, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliTautology, 942140, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliSelectStatement, 942150, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliFunction, 942160, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliCatalogName, 942170, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliVersionedComment, 942180, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliFileAccess, 942190, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliTimeDelay, 942200, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliSystemVariable, 942210, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliBreakoutComment, 942220, InspectionCategory.Sqli, Critical, 1);
        Set(RuleKey.SqliWeakFunction, 942300, InspectionCategory.Sqli, Critical, 2);
        Set(RuleKey.SqliWeakBreakout, 942310, InspectionCategory.Sqli, Critical, 2);

        // XPath shares SQL's shape of injection (a quote closed, a boolean added) and its family.
        Set(RuleKey.XpathInjection, 942320, InspectionCategory.Sqli, Critical, 1);

        Set(RuleKey.NosqlOperator, 945100, InspectionCategory.Nosqli, Critical, 1);
        Set(RuleKey.NosqlOperatorInValue, 945110, InspectionCategory.Nosqli, Critical, 1);
        Set(RuleKey.XxeDoctype, 946100, InspectionCategory.Xxe, Critical, 1);
        Set(RuleKey.XxeEntity, 946110, InspectionCategory.Xxe, Critical, 1);
        return r;
    }
}

/// <summary>One rule's static description.</summary>
/// <param name="Id">The stable rule id.</param>
/// <param name="Category">The family.</param>
/// <param name="Score">The anomaly score it adds.</param>
/// <param name="ParanoiaLevel">The lowest paranoia level at which it is active.</param>
internal readonly record struct RuleInfo(int Id, InspectionCategory Category, int Score, int ParanoiaLevel);
