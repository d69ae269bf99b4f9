import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

@Suite struct LiteLLMSpendLogsTests {
    static let export = """
        request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,model_group,custom_llm_provider,user,metadata,cache_hit,status,team_id,end_user
        chatcmpl-1,acompletion,88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b,0.000123,1500,1200,300,2026-10-03 12:00:00.123456,2026-10-03 12:00:02.000000,claude-sonnet-4-20250514,claude-sonnet,anthropic,u-7,"{""additional_usage_values"": {""cache_read_input_tokens"": 800, ""cache_creation_input_tokens"": 100}}",False,success,team-a,cus_9
        chatcmpl-1_cache_hit1759492801.5,acompletion,88dc28d0,0.0,0,0,0,2026-10-03T12:00:01Z,2026-10-03T12:00:01Z,gpt-4o,gpt-4o,openai,u-7,{},True,success,team-a,cus_9
        chatcmpl-2,acompletion,88dc28d0,2.5e-05,20,10,10,2026-10-03 12:05:00,2026-10-03 12:05:01,gpt-4o,gpt-4o,openai,u-8,,False,failure,team-b,cus_10
        chatcmpl-3,acompletion,88dc28d0,0.1,20,10,-10,2026-10-03 12:06:00,2026-10-03 12:06:01,gpt-4o,gpt-4o,openai,u-8,,False,success,team-b,cus_10
        chatcmpl-4,acompletion,88dc28d0,0.1,20,10,10,2026-10-03 12:07:00,2026-10-03 12:07:01,gpt-4o,gpt-4o,openai,u-8,{not json,False,success,team-b,cus_10

        """

    func read(_ field: String) throws -> (events: [UsageEvent], quarantined: [QuarantinedRow]) {
        let dir = TempFolder()
        let path = dir.write("spendlogs.csv", Self.export)
        let reader = try UsageFileReader.open(path: path, litellm: LiteLLMOptions(customerField: field))
        #expect(reader.kind == .litellmCSV)
        var events: [UsageEvent] = []
        var quarantined: [QuarantinedRow] = []
        _ = try reader.forEachRow { row in
            switch row {
            case .event(let e, _): events.append(e)
            case .quarantined(let q): quarantined.append(q)
            }
        }
        return (events, quarantined)
    }

    @Test func mapsTheExportAsFormatsSays() throws {
        let (events, quarantined) = try read("end_user")
        #expect(events.map(\.requestID) == ["chatcmpl-1", "chatcmpl-1_cache_hit1759492801.5", "chatcmpl-2"])
        let first = events[0]
        #expect(first.timestamp.description == "2026-10-03T12:00:00.123456Z")
        #expect(first.customerID == "cus_9")
        #expect(first.provider == "anthropic")
        // prompt_tokens already includes cache reads and writes: 1200 − 800 − 100 uncached.
        #expect(first.inputTokens == 1200)
        #expect(first.cachedInputTokens == 800)
        #expect(first.cacheWriteTokens == 100)
        #expect(first.quantity(of: .input) == 300)
        #expect(first.reportedCost == ExactDecimal("0.000123")!)
        #expect(first.apiKeyID == "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b")
        #expect(events[1].inputTokens == 0)
        #expect(events[2].status == .error)
        #expect(events[2].reportedCost == ExactDecimal("0.000025")!)
        #expect(quarantined.map(\.line) == [5, 6])
        #expect(quarantined[0].reason == "negative_count: output_tokens is -10")
        #expect(quarantined[1].reason.hasPrefix("not_json: metadata"))
    }

    @Test func theCustomerColumnIsConfigurable() throws {
        #expect(try read("team_id").events.map(\.customerID) == ["team-a", "team-a", "team-b"])
        #expect(try read("user").events.map(\.customerID) == ["u-7", "u-7", "u-8"])
    }

    @Test func anExportWithoutTheChosenCustomerColumnIsUnreadable() {
        let dir = TempFolder()
        let path = dir.write("s.csv", "request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens\n")
        #expect {
            _ = try UsageFileReader.open(path: path, litellm: LiteLLMOptions(customerField: "organization_id"))
        } throws: { error in
            "\(error)".contains("the header lacks organization_id (the customer column chosen by [litellm] customer_field)")
        }
    }
}
